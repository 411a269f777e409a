"""What layout tells the desk: per-story placement, overset and underset, warnings."""

from __future__ import annotations

from dataclasses import dataclass, field


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


@dataclass
class LayoutLog:
    stories: dict[str, StoryLog] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # Per page number: how an auto page was laid out and why; every page's quality.
    pages: dict[int, dict[str, object]] = field(default_factory=dict)
    quality: dict[int, dict[str, object]] = field(default_factory=dict)

    def story(self, story_id: str, file: str) -> StoryLog:
        found = self.stories.get(story_id)
        if found is None:
            found = self.stories[story_id] = StoryLog(story_id, file)
        return found

    def warn(self, message: str) -> None:
        self.warnings.append(message)
