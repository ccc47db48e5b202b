// Telegram's web view, or the page alone: launch data, theme, haptics, the screen kept awake.
// Works when telegram-web-app.js could not load: the launch data is read from the hash.
const webApp = window.Telegram && window.Telegram.WebApp;
const hash = new URLSearchParams(location.hash.slice(1));

export const launchData = (webApp && webApp.initData) || hash.get("tgWebAppData") || "";

function hashTheme() {
  try {
    return JSON.parse(hash.get("tgWebAppThemeParams") || "{}");
  } catch {
    return {};
  }
}

export function launchLanguage() {
  try {
    const user = JSON.parse(new URLSearchParams(launchData).get("user") || "{}");
    return user.language_code || "";
  } catch {
    return "";
  }
}

function isDark(colour) {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour || "");
  if (!m) return false;
  const [r, g, b] = m.slice(1).map((x) => parseInt(x, 16));
  return 0.299 * r + 0.587 * g + 0.114 * b < 128;
}

export function applyTheme() {
  const theme = (webApp && webApp.themeParams && Object.keys(webApp.themeParams).length)
    ? webApp.themeParams : hashTheme();
  const root = document.documentElement;
  for (const [name, value] of Object.entries(theme)) {
    if (/^#[0-9a-f]{3,8}$/i.test(String(value))) root.style.setProperty(`--tg-${name.replace(/_/g, "-")}`, value);
  }
  const dark = webApp && webApp.colorScheme ? webApp.colorScheme === "dark" : isDark(theme.bg_color);
  root.dataset.scheme = dark ? "dark" : "light";
}

export function ready() {
  applyTheme();
  if (!webApp) return;
  webApp.ready();
  webApp.expand();
  if (webApp.disableVerticalSwipes) webApp.disableVerticalSwipes();
  webApp.onEvent("themeChanged", applyTheme);
}

export function onActivated(callback) {
  if (webApp) webApp.onEvent("activated", callback);
}

export function onDeactivated(callback) {
  if (webApp) webApp.onEvent("deactivated", callback);
}

export function haptic(kind = "light") {
  try {
    if (webApp && webApp.HapticFeedback) webApp.HapticFeedback.impactOccurred(kind);
    else if (navigator.vibrate) navigator.vibrate(15);
  } catch {
    /* haptics are a courtesy */
  }
}

export function closingConfirmation(on) {
  if (!webApp) return;
  if (on) webApp.enableClosingConfirmation();
  else webApp.disableClosingConfirmation();
}

export function close() {
  if (webApp) webApp.close();
  else history.back();
}

// The screen stays on during a session: asked at Start and whenever the app is visible again.
let wakeLock = null;
export async function keepAwake(on) {
  try {
    if (on && !wakeLock && "wakeLock" in navigator && document.visibilityState === "visible") {
      wakeLock = await navigator.wakeLock.request("screen");
      wakeLock.addEventListener("release", () => { wakeLock = null; });
    } else if (!on && wakeLock) {
      await wakeLock.release();
      wakeLock = null;
    }
  } catch {
    wakeLock = null; // refused (battery saver, no permission): the session goes on
  }
}

// The voice and tones switches, remembered per user: Telegram's CloudStorage, or this browser's
// storage. One value: "on" (both), "off" (neither), "voice" or "tones" (that one alone); "on" and
// "off" are what the single sound switch of earlier versions stored, and mean the same now.
const SOUND = "backcare_sound";
const SWITCHES = { on: [true, true], off: [false, false], voice: [true, false], tones: [false, true] };

function switches(value) {
  const [voice, tones] = SWITCHES[value] || SWITCHES.on;
  return { voice, tones };
}

export function loadSound() {
  return new Promise((resolve) => {
    const local = localStorage.getItem(SOUND);
    if (webApp && webApp.CloudStorage && webApp.isVersionAtLeast && webApp.isVersionAtLeast("6.9")) {
      webApp.CloudStorage.getItem(SOUND, (error, value) => resolve(switches(error ? local : value || local)));
    } else resolve(switches(local));
  });
}

export function saveSound({ voice, tones }) {
  const value = voice && tones ? "on" : voice ? "voice" : tones ? "tones" : "off";
  localStorage.setItem(SOUND, value);
  if (webApp && webApp.CloudStorage && webApp.isVersionAtLeast && webApp.isVersionAtLeast("6.9")) {
    webApp.CloudStorage.setItem(SOUND, value);
  }
}
