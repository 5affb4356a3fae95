"""The address says where you are: a page's main choices are read from its query parameters when it
opens (or when a link or a click brings new ones), and written back when they change, so a copied
address opens the same view. A value the page does not offer is ignored: the widget keeps its own
default (and the scope, not the address, decides which buildings are offered)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import streamlit as st


def _marker(key: str) -> str:
    return f"_address_{key}"


def from_address(
    key: str,
    param: str,
    options: Sequence[Any] | Callable[[Any], bool],
    *,
    default: Any,
    parse: Callable[[str], Any] = str,
) -> None:
    """Before widget `key` is drawn (without an `index` or `value` of its own): start it at the value
    `param` names in the address, when that value is one of `options` and is new (the widget is
    fresh, or the address changed since this page last read or wrote it); else keep the person's
    choice, or `default` when there is none among `options` (a list, or a test of a value); a
    `default` of None is the widget's first option (it must be None)."""
    valid = options if callable(options) else options.__contains__
    marker = _marker(key)
    wanted = st.query_params.get(param)
    if wanted is not None and (
        key not in st.session_state or st.session_state.get(marker) != wanted
    ):
        try:
            value = parse(wanted)
        except (TypeError, ValueError):
            value = None
        if value is not None and valid(value):
            st.session_state[key] = value
            st.session_state[marker] = wanted
            return
    if key not in st.session_state or not valid(st.session_state[key]):
        if default is None:
            # The widget's own first option: a None put in its state would show as no choice.
            st.session_state.pop(key, None)
        else:
            st.session_state[key] = default


def to_address(key: str, param: str, value: Any, *, text: Callable[[Any], str] = str) -> None:
    """After widget `key`: its value `value` in the address (none: the parameter goes)."""
    if value is None:
        st.query_params.pop(param, None)
        st.session_state.pop(_marker(key), None)
        return
    written = text(value)
    if st.query_params.get(param) != written:
        st.query_params[param] = written
    st.session_state[_marker(key)] = written


def new_in_address(key: str, param: str) -> str | None:
    """The address's `param`, when `from_address` would start widget `key` at it (unchecked: for a
    view that checks it itself before the widget's options are known)."""
    wanted = st.query_params.get(param)
    if wanted is not None and (
        key not in st.session_state or st.session_state.get(_marker(key)) != wanted
    ):
        return wanted
    return None


def as_date(text: str) -> date:
    return date.fromisoformat(text)


def is_date(value: Any) -> bool:
    return isinstance(value, date)
