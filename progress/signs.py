"""The warning-sign answers as stored, and the advice the bot gave for each: one table, so the
doctor's report says what the person was actually told.

A `red_flag` rating's detail is "<answer>:<origin>". Rows written before the origin was stored
hold the answer alone; they are answers to the first check before a session (origin "s").
"""

from __future__ import annotations

from dataclasses import dataclass

NONE, EMERGENCY, DOCTOR, LEGS, CORRECTED = "none", "emergency", "doctor", "legs", "corrected"
ANSWERS = (NONE, EMERGENCY, DOCTOR, LEGS, CORRECTED)
# As safety.rules.Origin: s: the first check before a session (a new or unassessed episode);
# k: the first check, for back pain a clinician has assessed; p: after a pain report; m: asked
# from the check-in's "I have warning signs" button.
FIRST_CHECK, KNOWN, AFTER_PAIN, ASKED = "s", "k", "p", "m"
ORIGINS = (FIRST_CHECK, KNOWN, AFTER_PAIN, ASKED)

# What the bot said after no warning sign depends on where it was asked.
_NO_SIGNS_ADVICE = {FIRST_CHECK: "gentle", KNOWN: "gentle", AFTER_PAIN: "leave", ASKED: "watch"}


@dataclass(frozen=True)
class SignAnswer:
    """One answer to the warning-sign check: which, and where it was asked."""

    answer: str
    origin: str

    @property
    def advice(self) -> str:
        """The advice given for it, as a content key's last part (report.advice_<this>)."""
        if self.answer in (NONE, CORRECTED):
            # A corrected emergency Yes: then none applied, and the no-sign advice followed.
            return _NO_SIGNS_ADVICE[self.origin]
        return self.answer  # emergency, doctor, legs: the same advice wherever asked


def read_sign(detail: str | None) -> SignAnswer | None:
    """The stored answer ("none", "doctor:p", ...); None for one this version does not know."""
    answer, _, origin = (detail or "").partition(":")
    origin = origin or FIRST_CHECK
    if answer not in ANSWERS or origin not in ORIGINS:
        return None
    return SignAnswer(answer, origin)
