"""The rows the process monitoring pages show: a process's or a step's figures (``ProcessFigures``,
``StepFigures``), a week of the trend (``Week``) and one dossier's flow through its steps
(``DossierFlow``, ``FlowStep``). ``monitoring`` fills them; what the figures mean is in its docstring."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .models import ProcessInstance, WorkItem, WorkItemState


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _mean(total: timedelta, count: int) -> timedelta | None:
    return total / count if count else None


@dataclass
class Figures:
    """The counts and times of a set of steps (a process, or one step of it)."""

    open_count: int = 0
    overdue_count: int = 0
    done_count: int = 0
    late_count: int = 0
    time_spent_total: timedelta = timedelta(0)
    open_age_total: timedelta = timedelta(0)

    @property
    def mean(self) -> timedelta | None:
        return _mean(self.time_spent_total, self.done_count)

    @property
    def open_age_mean(self) -> timedelta | None:
        return _mean(self.open_age_total, self.open_count)

    @property
    def share_late(self) -> float | None:
        return _share(self.late_count, self.done_count)

    @property
    def share_overdue(self) -> float | None:
        return _share(self.overdue_count, self.open_count)

    def add(self, row: dict) -> None:
        self.open_count += row["open_count"]
        self.overdue_count += row["overdue_count"]
        self.done_count += row["done_count"]
        self.late_count += row["late_count"]
        self.time_spent_total += row["time_spent_total"] or timedelta(0)
        self.open_age_total += row["open_age_total"] or timedelta(0)


@dataclass
class ProcessFigures(Figures):
    """One process (definition) on the list page."""

    definition: object = None


@dataclass
class StepFigures(Figures):
    """One step (BPMN task id) of a process."""

    task_name: str = ""
    label: str = ""
    lane: str = ""
    allotted_hours: int | None = None
    p90: timedelta | None = None

    @property
    def queued_hours(self) -> float:
        """In progress × mean time spent (hours): the work piled up at the step (see the module docstring)."""
        typical = self.mean if self.mean is not None else self.open_age_mean
        if not self.open_count or typical is None:
            return 0.0
        return self.open_count * typical.total_seconds() / 3600


@dataclass
class Week:
    """One ISO week of the trend: steps completed in it, and how many of them late."""

    start: datetime
    done_count: int = 0
    late_count: int = 0
    time_spent_total: timedelta = timedelta(0)

    @property
    def iso(self) -> tuple[int, int]:
        year, week, _day = self.start.date().isocalendar()
        return year, week

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=6)

    @property
    def share_late(self) -> float | None:
        return _share(self.late_count, self.done_count)

    @property
    def mean(self) -> timedelta | None:
        return _mean(self.time_spent_total, self.done_count)


@dataclass
class FlowStep:
    """One step of one dossier's flow (a task work item), for the timeline and the diagram."""

    item: WorkItem
    time_spent: timedelta | None
    waiting: timedelta | None = None
    allotted_hours: int | None = None
    escalated: bool = False


@dataclass
class DossierFlow:
    instance: ProcessInstance
    steps: list[FlowStep] = field(default_factory=list)

    @property
    def done_tasks(self) -> set[str]:
        return {s.item.task_name for s in self.steps if s.item.state == WorkItemState.DONE}

    @property
    def current_tasks(self) -> set[str]:
        return {s.item.task_name for s in self.steps if s.item.state == WorkItemState.OPEN}

    def time_spent_by_task(self) -> dict[str, timedelta]:
        """Total time spent per BPMN task (a step done twice, after a rework loop, adds up)."""
        totals: dict[str, timedelta] = {}
        for step in self.steps:
            spent = step.time_spent if step.time_spent is not None else step.waiting
            if spent is not None:
                totals[step.item.task_name] = totals.get(step.item.task_name, timedelta(0)) + spent
        return totals
