"""What layout tells the desk: per-story placement, overset and underset, warnings."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from epaper.diagnostics import DEFAULT_WARNING, Diagnostic

# StoryLog fields a later page's entry replaces rather than adds to: they describe the
# story's end (its foot, its headline, where it jumped), which is on the last page.
LAST_WINS = ("underset_lines", "headline_size", "continued_to")


@dataclass
class StoryLog:
    story: str
    file: str
    pages: list[int] = field(default_factory=list)
    slots: list[str] = field(default_factory=list)
    lines_set: int = 0
    words_placed: int = 0
    overset_words: list[str] = field(default_factory=list)
    overset_lines: int = 0
    underset_lines: int = 0
    headline_size: float = 0.0
    continued_to: int | None = None
    line_ratios: list[float] = field(default_factory=list)
    hyphenated_lines: int = 0
    loose_lines: list[str] = field(default_factory=list)  # justified lines over the limit
    lone_words: list[str] = field(default_factory=list)  # one word alone, flush left
    widows_orphans_avoided: int = 0
    widows_orphans_left: list[str] = field(default_factory=list)  # "widow: <line>"

    @property
    def overset_text(self) -> str:
        return " ".join(self.overset_words)

    def absorb(self, later: StoryLog) -> None:
        """Add what a later page logged of the same story: lists run on, counts add up,
        and the fields of LAST_WINS take the later page's value where it set one."""
        for f in fields(self):
            if f.name in ("story", "file"):
                continue
            mine, theirs = getattr(self, f.name), getattr(later, f.name)
            if isinstance(mine, list):
                mine.extend(theirs)
            elif f.name in LAST_WINS:
                if theirs or f.name == "underset_lines":
                    setattr(self, f.name, theirs)
            else:
                setattr(self, f.name, mine + theirs)


@dataclass
class LayoutLog:
    stories: dict[str, StoryLog] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)
    # Per page number: how an auto page was laid out and why; every page's quality.
    pages: dict[int, dict[str, object]] = field(default_factory=dict)
    quality: dict[int, dict[str, object]] = field(default_factory=dict)

    def story(self, story_id: str, file: str) -> StoryLog:
        found = self.stories.get(story_id)
        if found is None:
            found = self.stories[story_id] = StoryLog(story_id, file)
        return found

    def warn(self, message: str, code: str = DEFAULT_WARNING, *, file: str | None = None,
             line: int | None = None, col: int | None = None, field: str | None = None,
             hint: str | None = None, story: str | None = None,
             page: int | None = None) -> None:
        """A warning for the desk; `code` (diagnostics.WARNING_CODES) lets it be filtered."""
        self.add(Diagnostic("warning", code, message, file, line, col, field, hint,
                            story=story, page=page))

    def add(self, warning: Diagnostic) -> None:
        if warning not in self.warnings:
            self.warnings.append(warning)

    @property
    def messages(self) -> list[str]:
        return [w.message for w in self.warnings]

    def absorb(self, page: LayoutLog) -> None:
        """Add one page's log to the edition's: stories met before take it as a sequel."""
        for sid, entry in page.stories.items():
            mine = self.stories.get(sid)
            if mine is None:
                self.stories[sid] = entry
            else:
                mine.absorb(entry)
        for warning in page.warnings:
            self.add(warning)
        self.pages.update(page.pages)
        self.quality.update(page.quality)
