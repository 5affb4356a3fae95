"""Streamlit settings read without Streamlit's configuration lock, where every element reads one.

Every element a page draws goes through `forward_msg_cache.populate_hash_if_needed`, which reads
`global.minCachedMessageSize` with `config.get_option`, and `get_option` takes one lock shared by
every session's thread. With ten sessions running a page at once, a quarter of the script threads'
time was spent waiting for that lock (py-spy, large district, issue 23): whoever holds it is often
paused by the interpreter's thread switch, and all the others queue behind it. (Streamlit's own
review asked for a lock-free read when the lock was added: streamlit/streamlit pull request 2860.)

The option is read once here, at the server's start, and handed to that one module through a
stand-in for its `config`; every other option still goes to Streamlit. The app's options are fixed
for a server's life (`.streamlit/config.toml` is not watched), so the value cannot go stale."""

from __future__ import annotations

from typing import Any

from streamlit import config
from streamlit.runtime import forward_msg_cache

FROZEN_OPTIONS = ("global.minCachedMessageSize",)


class _OptionsReadOnce:
    """`config` for `forward_msg_cache`: the options in FROZEN_OPTIONS as they were at start."""

    def __init__(self, options: tuple[str, ...]) -> None:
        self._values = {key: config.get_option(key) for key in options}

    def get_option(self, key: str) -> Any:
        if key in self._values:
            return self._values[key]
        return config.get_option(key)

    def __getattr__(self, name: str) -> Any:  # anything else the module asks of `config`
        return getattr(config, name)


def read_options_once() -> None:
    """Once per server process (idempotent): `forward_msg_cache` reads its option without the lock."""
    if not isinstance(forward_msg_cache.config, _OptionsReadOnce):
        forward_msg_cache.config = _OptionsReadOnce(FROZEN_OPTIONS)  # type: ignore[assignment]
