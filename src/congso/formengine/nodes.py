"""The pieces of a form definition: the fields (``Node``), the pages (``Step``) and the results of reading
and checking answers (``ValidationResult``, ``Submission``, ``StepAnswers``)."""

from dataclasses import dataclass, field

from congso.core.expressions import Expression


class FormDefinitionError(Exception):
    """The schema or the UI hints cannot make a form; ``problems`` lists why, in Vietnamese."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(eq=False)
class Node:
    """A field of the form: a section (JSON object) or a leaf (one answer)."""

    path: str
    name: str
    schema: dict
    ui: dict
    parent: "Node | None"
    kind: str
    label: str
    help: str = ""
    required: bool = False
    conditionally_required: bool = False
    children: list["Node"] = field(default_factory=list)
    choices: list[tuple] = field(default_factory=list)
    choice_hints: dict = field(default_factory=dict)
    show_if: Expression | None = None
    prefill: str = ""
    readonly: bool = False
    messages: dict = field(default_factory=dict)

    @property
    def is_section(self) -> bool:
        return self.kind == "section"

    @property
    def html_id(self) -> str:
        # Names are [a-z0-9_], so "." → "-" cannot collide.
        return "f-" + self.path.replace(".", "-")

    @property
    def html_name(self) -> str:
        return self.path

    @property
    def optional(self) -> bool:
        return not (self.required or self.conditionally_required)

    def leaves(self) -> list["Node"]:
        if not self.is_section:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]

    def ancestors(self) -> list["Node"]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]


@dataclass(eq=False)
class Step:
    """One page of the form."""

    id: str
    title: str
    description: str
    entries: list[Node]

    def leaves(self) -> list[Node]:
        return [leaf for entry in self.entries for leaf in entry.leaves()]


@dataclass
class ValidationResult:
    """Errors by leaf path (in form order), their category ("missing" or "invalid"), form-level errors."""

    fields: dict[str, str] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)
    form: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.fields and not self.form


@dataclass
class Submission:
    """The outcome of ``apply_post``: on success ``data`` is the new complete answers."""

    ok: bool
    data: dict
    errors: dict[str, str]
    raw: dict  # {path: posted text, or a date's three boxes}
    form_errors: list[str]


@dataclass
class AnswerRow:
    node: Node
    label: str
    value: str
    answered: bool


@dataclass
class AnswerGroup:
    heading: str
    rows: list[AnswerRow]


@dataclass
class StepAnswers:
    step: Step
    groups: list[AnswerGroup]
