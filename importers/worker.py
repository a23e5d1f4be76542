"""Reading a source in a second process, so parsing runs on one core while the pipeline cleans and
writes on another.

`read_in_worker(produce, *args)` runs `produce(*args)` (a generator of `ServiceRecord`s and
`SkippedRow`s) in a forked child and yields the same items, in the same order, in this process.
Records travel in batches, packed compactly (see `Packer`). A `SourceError` or `OSError` in the
child is raised here unchanged, so the user sees the same one-sentence error either way. Where
fork is not available the generator simply runs here.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import pickle
import traceback
from array import array
from collections.abc import Callable, Iterator
from dataclasses import fields
from operator import attrgetter
from typing import Any

from helpline_tui.core.records import ServiceRecord, SkippedRow, SourceError

Item = ServiceRecord | SkippedRow

_BATCH = 500
_FIELDS = tuple(f.name for f in fields(ServiceRecord))
_LISTS = frozenset(f.name for f in fields(ServiceRecord) if f.default_factory is list)
_LIST_POSITIONS = tuple(i for i, name in enumerate(_FIELDS) if name in _LISTS)
_RAW = _FIELDS.index("raw")
_values = attrgetter(*_FIELDS)


class Packer:
    """Lists of strings (codes, need ids) as arrays of numbers into a table of the strings seen so
    far; the table's new entries travel with each batch. Unpacking then makes no string at all: the
    same few hundred code strings are shared by every record, as they are when read in-process."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.new: list[str] = []

    def _list(self, values: Any) -> Any:
        if values.__class__ is not list or not values:
            return values
        numbers = self.numbers
        try:
            if not numbers.keys() >= set(values):
                for value in values:
                    if value.__class__ is not str:
                        return values
                    if value not in numbers:
                        numbers[value] = len(numbers)
                        self.new.append(value)
        except TypeError:  # an unhashable item
            return values
        if len(numbers) > 65535:
            return values
        return array("H", map(numbers.__getitem__, values)).tobytes()

    def pack(self, item: Item) -> Any:
        if not isinstance(item, ServiceRecord):
            return item
        values = list(_values(item))
        for i in _LIST_POSITIONS:
            values[i] = self._list(values[i])
        raw = values[_RAW]
        if raw.__class__ is dict and raw.get("codes").__class__ is list:
            raw = dict(raw)
            raw["codes"] = self._list(raw["codes"])
        values[_RAW] = raw
        return tuple(values)

    def take_new(self) -> list[str]:
        new, self.new = self.new, []
        return new


class Unpacker:
    def __init__(self) -> None:
        self.strings: list[str] = []

    def _list(self, value: Any) -> Any:
        if value.__class__ is bytes:
            return list(map(self.strings.__getitem__, memoryview(value).cast("H")))
        return value

    def unpack(self, packed: Any) -> Item:
        if packed.__class__ is not tuple:
            return packed
        values = list(packed)
        for i in _LIST_POSITIONS:
            values[i] = self._list(values[i])
        raw = values[_RAW]
        if raw.__class__ is dict and raw.get("codes").__class__ is bytes:
            raw["codes"] = self._list(raw["codes"])
        record = ServiceRecord.__new__(ServiceRecord)
        record.__dict__.update(zip(_FIELDS, values))
        return record


def _child(send: Any, produce: Callable[..., Iterator[Item]], args: tuple) -> None:
    gc.disable()  # as in the pipeline: nothing read makes cycles
    packer = Packer()
    try:
        batch = []
        for item in produce(*args):
            batch.append(packer.pack(item))
            if len(batch) >= _BATCH:
                send.send_bytes(pickle.dumps(("items", packer.take_new(), batch), pickle.HIGHEST_PROTOCOL))
                batch = []
        send.send_bytes(pickle.dumps(("items", packer.take_new(), batch), pickle.HIGHEST_PROTOCOL))
        message: tuple = ("end",)
    except SourceError as exc:
        message = ("source-error", exc.origin, exc.detail, exc.row, exc.field)
    except OSError as exc:
        message = ("os-error", exc.errno, exc.strerror, exc.filename)
    except BaseException:  # noqa: BLE001 - a bug in the reader: carried to the parent to be raised there
        message = ("crash", traceback.format_exc())
    with contextlib.suppress(OSError):
        send.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))
    send.close()


def read_in_worker(produce: Callable[..., Iterator[Item]], *args: Any) -> Iterator[Item]:
    if "fork" not in multiprocessing.get_all_start_methods():
        yield from produce(*args)
        return
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, produce, args), daemon=True)
    child.start()
    send.close()
    unpacker = Unpacker()
    try:
        while True:
            try:
                message = pickle.loads(receive.recv_bytes())
            except EOFError:
                raise RuntimeError("the reading process stopped without a word (killed?)") from None
            kind = message[0]
            if kind == "items":
                unpacker.strings += message[1]
                yield from map(unpacker.unpack, message[2])
            elif kind == "end":
                return
            elif kind == "source-error":
                _, origin, detail, row, field = message
                raise SourceError(origin, detail, row=row, field=field)
            elif kind == "os-error":
                raise OSError(*message[1:])
            else:
                raise RuntimeError(f"the reading process failed:\n{message[1]}")
    finally:
        receive.close()
        if child.is_alive():  # the consumer stopped early (an error, or it had seen enough)
            child.terminate()
        child.join()
