# Backcare: multi-stage build: dependencies are installed in a build stage, the runtime stage gets
# only the virtual environment and the code, runs as a non-root user, keeps SQLite (and nothing
# else) on the /data volume, and answers a HEALTHCHECK.
FROM python:3.11-slim AS build
WORKDIR /app
COPY requirements.lock .
RUN python -m venv /venv \
    && /venv/bin/pip install --no-cache-dir --disable-pip-version-check -r requirements.lock

FROM python:3.11-slim
# The audio guide's codec: the system's libsndfile (with libopus, LAME and mpg123), which encodes
# about 3x faster than the copy bundled in the soundfile wheel (audio/codec.py). No speech engine:
# the voice clips are committed (make voices).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsndfile1 \
    && rm -rf /var/lib/apt/lists/*
# /data: 0700 and owned by the bot's user (the database file itself is made 0600 by the bot).
RUN groupadd --gid 10001 backcare \
    && useradd --create-home --uid 10001 --gid 10001 backcare \
    && mkdir /data \
    && chown backcare:backcare /data \
    && chmod 0700 /data
COPY --from=build /venv /venv
WORKDIR /app
# Code and content belong to root: the bot's user can read them, not change them.
COPY . .
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    DATABASE_URL=sqlite+aiosqlite:////data/backcare.db \
    AUDIO_CACHE=/tmp/backcare-audio \
    HEALTH_PORT=8080
USER 10001:10001
VOLUME ["/data"]
# Fails the build on broken content before the bot could start with it.
RUN python bot.py check-content
# Webhook mode listens on WEBHOOK_PORT (8443 unless set); polling mode needs no open port.
EXPOSE 8443
# `bot.py health` asks /healthz on 127.0.0.1: HEALTH_PORT in polling mode, the webhook port in
# webhook mode. 200 means the event loop runs and the database answers.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "bot.py", "health"]
# SIGTERM (docker stop) stops the bot within SHUTDOWN_TIMEOUT_SECONDS (8): below docker's 10 s.
STOPSIGNAL SIGTERM
CMD ["python", "bot.py"]
