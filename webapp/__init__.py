"""The Mini App: the guided session in Telegram's web view (issue 23), served by aiohttp.

`auth` validates Telegram's launch data, `plan` turns a timeline into the page's JSON,
`backend` is the narrow contract the API talks to, `server` builds the `web.Application`.
"""
