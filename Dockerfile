# Backcare: slim Python, the locked dependencies, a non-root user, SQLite on the /data volume.
FROM python:3.11-slim AS build
WORKDIR /app
COPY requirements.lock .
RUN python -m venv /venv && /venv/bin/pip install --no-cache-dir -r requirements.lock

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 backcare && mkdir /data && chown backcare /data
COPY --from=build /venv /venv
WORKDIR /app
COPY --chown=backcare . .
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite+aiosqlite:////data/backcare.db
USER backcare
VOLUME ["/data"]
# Fails fast on broken content before the bot starts.
RUN python bot.py check-content
CMD ["python", "bot.py"]
