"""The filter bar: text, regex or JSONPath test, case, direction and opcode; hidden until
opened.

It compiles what the user typed (so an invalid regex becomes an inline error, never a
crash) and posts :class:`FilterBar.FilterChanged` with the compiled filter, debounced while
typing. The app hands that to the log, and the log's count back via :meth:`set_count`.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select

from sockscope.core.session.filtering import (
    CompiledFilter,
    FilterError,
    FilterSpec,
    compile_filter,
)
from sockscope.core.store.frames import Kind, Opcode

#: Quiet time after a keystroke before the filter is applied.
DEBOUNCE = 0.15

DIRECTIONS: dict[str, frozenset[Kind] | None] = {
    "any direction": None,
    "sent": frozenset({Kind.SEND}),
    "received": frozenset({Kind.RECV}),
    "events": frozenset({Kind.OPEN, Kind.CLOSE, Kind.ERROR, Kind.NOTE}),
}
OPCODES: dict[str, frozenset[Opcode] | None] = {
    "any opcode": None,
    "text": frozenset({Opcode.TEXT}),
    "binary": frozenset({Opcode.BINARY}),
    "data frames": frozenset({Opcode.TEXT, Opcode.BINARY}),
    "control": frozenset({Opcode.PING, Opcode.PONG, Opcode.CLOSE}),
}


class FilterBar(Horizontal):
    """One line above the composer: pattern, toggles, selects, and "N of M" or the error."""

    DEFAULT_CSS = """
    FilterBar {
        height: 1;
        display: none;
        background: $boost;
        &.-open { display: block; }
        & > Input { width: 1fr; }
        & > Checkbox { margin: 0 1; }
        & > #filter-label { padding: 0 1; text-style: bold; }
        & > Select { width: 18; margin-right: 1; }
        & > #filter-status { width: auto; max-width: 50%; padding: 0 1; color: $text-muted; }
        &.-error > #filter-status { color: $error; text-style: bold; }
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Close filter", id="filter.close"),
        # priority: a terminal sends alt+r as a key with the character "r", which the
        # pattern's Input would type before a plain binding is looked at.
        Binding("alt+r", "flip('#filter-regex')", "Regex", id="filter.regex", priority=True),
        Binding("alt+c", "flip('#filter-case')", "Ignore case", id="filter.case", priority=True),
        Binding(
            "alt+j",
            "flip('#filter-jsonpath')",
            "JSONPath",
            id="filter.jsonpath",
            priority=True,
            tooltip='A JSONPath test over JSON rows: $.type == "trade"',
        ),
    ]

    class FilterChanged(Message):
        """The user changed the filter; ``compiled`` is None when it lets every row through."""

        def __init__(
            self, spec: FilterSpec, compiled: CompiledFilter | None, bar: FilterBar
        ) -> None:
            super().__init__()
            self.spec = spec
            self.compiled = compiled
            self.bar = bar

        @property
        def control(self) -> FilterBar:
            return self.bar

    class Closed(Message):
        """The user closed the bar (escape); the filter stays as it was."""

        def __init__(self, bar: FilterBar) -> None:
            super().__init__()
            self.bar = bar

        @property
        def control(self) -> FilterBar:
            return self.bar

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._applied = FilterSpec(ignore_case=True)
        self._debounce: Timer | None = None
        self._count = ""

    def _parts(self) -> list[Widget]:
        """The bar's widgets, mounted when it first opens: most sessions never filter,
        and two selects, two checkboxes and an input cost the first frame ~10% of startup."""
        hint = "text to find  (alt+r regex, alt+j JSONPath, alt+c case)"
        return [
            Label("Filter", id="filter-label"),
            Input(placeholder=hint, id="filter-text", compact=True),
            Checkbox("regex", id="filter-regex", compact=True),
            Checkbox("JSONPath", id="filter-jsonpath", compact=True),
            Checkbox("ignore case", value=True, id="filter-case", compact=True),
            self._select("filter-direction", DIRECTIONS),
            self._select("filter-opcode", OPCODES),
            Label(self._count, id="filter-status", markup=False),
        ]

    @staticmethod
    def _select(id: str, options: Iterable[str]) -> Select[str]:
        choices = [(name, name) for name in options]
        return Select(choices, value=choices[0][1], allow_blank=False, id=id, compact=True)

    # -- opening and closing ---------------------------------------------------

    def open(self) -> None:
        """Show the bar and put the cursor in the pattern."""
        self.add_class("-open")
        if self.children:
            self.query_one("#filter-text", Input).focus()
            return
        mounting = self.mount_all(self._parts())

        async def focus_once_mounted() -> None:
            await mounting
            self.query_one("#filter-text", Input).focus()

        self.call_next(focus_once_mounted)

    def action_close(self) -> None:
        self.remove_class("-open")
        self.post_message(self.Closed(self))

    def action_flip(self, selector: str) -> None:
        self.query_one(selector, Checkbox).toggle()

    # -- the spec --------------------------------------------------------------

    @property
    def spec(self) -> FilterSpec:
        """The filter as the widgets describe it now."""
        direction = self.query_one("#filter-direction", Select).value
        opcode = self.query_one("#filter-opcode", Select).value
        return FilterSpec(
            text=self.query_one("#filter-text", Input).value,
            regex=self.query_one("#filter-regex", Checkbox).value,
            ignore_case=self.query_one("#filter-case", Checkbox).value,
            directions=DIRECTIONS.get(str(direction)),
            opcodes=OPCODES.get(str(opcode)),
            jsonpath=self.query_one("#filter-jsonpath", Checkbox).value,
        )

    @on(Checkbox.Changed, "#filter-regex, #filter-jsonpath")
    def _one_mode(self, event: Checkbox.Changed) -> None:
        """Regex and JSONPath exclude each other: ticking one unticks the other."""
        if event.value:
            other = "#filter-jsonpath" if event.checkbox.id == "filter-regex" else "#filter-regex"
            self.query_one(other, Checkbox).value = False

    @on(Input.Changed, "#filter-text")
    def _typed(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE, self.apply)

    @on(Input.Submitted, "#filter-text")
    @on(Checkbox.Changed)
    @on(Select.Changed)
    def _changed_now(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self.apply()

    def apply(self) -> None:
        """Compile the current spec; post FilterChanged, or show why it is invalid."""
        spec = self.spec
        try:
            compiled = None if spec.is_empty else compile_filter(spec)
        except FilterError as error:
            self.add_class("-error")
            self.query_one("#filter-status", Label).update(str(error))
            return
        self.remove_class("-error")
        if compiled is None:  # every row shown: no "N of M" (the log stops counting)
            self._count = ""
        self.query_one("#filter-status", Label).update(self._count)
        if spec != self._applied:
            self._applied = spec
            self.post_message(self.FilterChanged(spec, compiled, self))

    def set_count(self, shown: int, total: int, scanning: bool = False) -> None:
        """Show the log's "N of M" (the app forwards MessageLog.FilterCounted here)."""
        if self._applied.is_empty:  # a count of the filter just emptied, come late
            return
        self._count = f"{shown:,} of {total:,}" + (" filtering…" if scanning else "")
        # Just mounted (opened for the first time), the bar's parts may not exist yet:
        # the count waits in ``_count`` for them.
        if self.children and not self.has_class("-error"):
            self.query_one("#filter-status", Label).update(self._count)
