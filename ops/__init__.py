"""What runs beside the handlers for operators: the HTTP server (webhook, /healthz, /metrics),
the serving loop with its bounded shutdown, metrics, the health check and the /stats chart."""
