"""The safe expression language: what it computes, and what it refuses — at upload and at run time."""

import pytest
from django.conf import settings

from congso.core import expressions
from congso.core.expressions import ExpressionError, compile_expression, evaluate
from congso.workflow import bpmn
from tests.support.bpmn import flow, process, user_task

DATA = {
    "form": {"so_trang": 12, "loai": "Bản sao", "ds": [1, 2, 3], "nested": {"a": {"b": "c"}}, "empty": None},
    "dossier": {"channel": "online", "status": 4},
    "approved": True,
}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("form.so_trang > 10", True),
        ("form.so_trang >= 12 and form.so_trang < 13", True),
        ("10 < form.so_trang <= 12", True),
        ('dossier.channel == "online"', True),
        ("dossier.channel in ['online', 'postal']", True),
        ('dossier.channel not in ["counter"]', True),
        ("not approved", False),
        ("approved == true", True),
        ("missing == null", True),
        ("form.empty == null", True),
        ("form.khong_co.sau == null", True),
        ("form.so_trang * 2000 + 1000", 25000),
        ("(form.so_trang - 2) / 4", 2.5),
        ("-form.so_trang", -12),
        ("len(form.ds) == 3", True),
        ('lower(form.loai) == "bản sao"', True),
        ("form.ds[0] + form.ds[-1]", 4),
        ('form["so_trang"]', 12),
        ("form.nested.a.b", "c"),
        ('"a" + "b"', "ab"),
        ("2 in form.ds", True),
        ('"sao" in form.loai', True),
        ("false or true and not false", True),
        ("None == null and True == true", True),
        ("form.ds[7] == null", True),
    ],
)
def test_evaluates(source, expected):
    assert evaluate(source, DATA) == expected


HOSTILE = [
    "__import__('os').system('id')",
    "().__class__.__bases__[0].__subclasses__()",
    "''.__class__.__mro__[1].__subclasses__()",
    "settings.SECRET_KEY.__class__",
    "open('/etc/passwd').read()",
    "open('/etc/passwd')",
    "eval('1+1')",
    "exec('import os')",
    "getattr(form, '__class__')",
    "lambda: 1",
    "(lambda x: x)(1)",
    "[x for x in form.ds]",
    "{x: 1 for x in form.ds}",
    "(x for x in form.ds)",
    "9**9**9",
    "2 ** 10",
    "f'{form}'",
    "form.ds.append(1)",
    "form.__dict__",
    "form._private",
    "form['__class__']",
    "(1, 2)",
    "x if y else z",
    "(a := 1)",
    "form[form.so_trang]",
    "globals()",
    "__builtins__",
    "1; 2",
    "import os",
    "1\n+1",
    "not " * 60 + "true",
    "(" * 150 + "1" + ")" * 150,
    "a." * 300 + "b",
    "1 + " * 300 + "1",
    "b'bytes'",
    "1j",
    "{'a': 1}",
    "{1, 2}",
    "...",
    "",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_input_is_refused_by_the_compiler(source):
    with pytest.raises(ExpressionError) as info:
        compile_expression(source)
    assert info.value.message  # a Vietnamese reason, never a Python traceback
    assert expressions.validate(source) == info.value.message


@pytest.mark.parametrize("source", HOSTILE[:12])
def test_hostile_condition_is_refused_at_upload_with_its_line(db, source):
    xml = process(
        [
            '<bpmn:startEvent id="s"/>',
            user_task("a", "Nhập"),
            '<bpmn:exclusiveGateway id="gw" default="f3"/>',
            user_task("b", "B"),
            '<bpmn:endEvent id="e"/>',
            flow("f1", "s", "a"),
            flow("f2", "a", "gw"),
            flow("f4", "gw", "b", source),
            flow("f3", "gw", "e"),
            flow("f5", "b", "e"),
        ],
        {"Chuyên viên": ["s", "a", "gw", "b", "e"]},
    )
    outcome = bpmn.validate(xml)
    line = next(i for i, text in enumerate(xml.splitlines(), start=1) if 'id="f4"' in text)
    assert any(error_line == line and "Điều kiện" in message for error_line, message in outcome.errors), (
        outcome.errors
    )


@pytest.mark.parametrize(
    ("source", "data"),
    [
        ("form.so_trang * 'abc'", DATA),  # string repetition would allocate memory
        ("'x' * 100000000", DATA),
        ("form.loai > 3", DATA),
        ("1 / 0", DATA),
        ("len(form.so_trang)", DATA),
        ("lower(form.so_trang)", DATA),
        ("1000000000 * 1000000000", DATA),
        ("2 in form.so_trang", DATA),
        ("-form.loai", DATA),
    ],
)
def test_run_time_errors_are_expression_errors(source, data):
    with pytest.raises(ExpressionError):
        evaluate(source, data)


def test_settings_are_not_reachable():
    secret = settings.SECRET_KEY
    assert evaluate("settings.SECRET_KEY", DATA) is None
    assert evaluate("SECRET_KEY", DATA) is None
    assert evaluate("settings == null", DATA) is True
    # Even a Python object slipped into the data is opaque: no attribute of it can be read.
    assert evaluate("conf.SECRET_KEY", {"conf": settings}) is None
    assert evaluate("conf", {"conf": settings}) is None
    assert evaluate("x.SECRET_KEY", {"x": {"other": 1}}) is None
    for source in ("settings.SECRET_KEY", "conf.SECRET_KEY", "conf"):
        assert evaluate(source, {"conf": settings, "settings": settings}) != secret


def gateway_process(condition: str) -> str:
    """Start → step a → an exclusive gateway whose flow to step b carries ``condition`` (default: end)."""
    return process(
        [
            '<bpmn:startEvent id="s"/>',
            user_task("a", "Nhập"),
            '<bpmn:exclusiveGateway id="gw" default="f3"/>',
            user_task("b", "B"),
            '<bpmn:endEvent id="e"/>',
            flow("f1", "s", "a"),
            flow("f2", "a", "gw"),
            flow("f4", "gw", "b", condition),
            flow("f3", "gw", "e"),
            flow("f5", "b", "e"),
        ],
        {"Chuyên viên": ["s", "a", "gw", "b", "e"]},
    )


def test_hostile_expression_is_refused_at_run_time_too(world, make_dossier, deploy, tmp_path):
    """A condition smuggled past the upload (written straight into a stored version) still cannot run."""
    from congso.workflow import services
    from congso.workflow.engine import WorkflowError
    from congso.workflow.models import WorkItemState

    xml = gateway_process("form.x == 1")
    version = deploy(xml)
    target = tmp_path / "pwned"
    hostile = f"__import__('os').system('touch {target}')"
    tampered = xml.replace("form.x == 1", hostile.replace("'", "&apos;"))
    version.bpmn_xml = tampered
    version.sha256 = "tampered"
    version.save()
    instance = services.start(make_dossier("thu-nghiem"))
    item = instance.work_items.get()
    with pytest.raises(WorkflowError) as info:
        services.complete(item, world.specialist)
    assert "Không tính được biểu thức" in str(info.value)
    item.refresh_from_db()
    assert item.state == WorkItemState.OPEN

    assert not target.exists()


# --- Conditions written for other engines (issue 18) -------------------------------------------------


@pytest.mark.parametrize(
    ("source", "engine", "example"),
    [
        ("${approved}", "Camunda 7", "approved"),
        ("${approved && soTrang > 10}", "JUEL", "approved and soTrang > 10"),
        ("#{!approved}", "Flowable", "not approved"),
        ("=approved = true", "Camunda 8 (FEEL)", "approved == true"),
        ("= so_trang > 3 or khan", "FEEL", "so_trang > 3 or khan"),
    ],
)
def test_conditions_of_other_engines_say_what_congso_reads(source, engine, example):
    message = expressions.validate(source)
    assert engine in message and "congso đọc biểu thức dạng" in message
    assert f"Viết ở đây: “{example}”" in message
    assert compile_expression(example)  # the advice given is itself a valid condition


@pytest.mark.parametrize(
    ("source", "hint"),
    [
        ("approved && x", "“and” thay cho “&&”"),
        ("a || b", "“or” thay cho “||”"),
        ("approved = true", "“==” thay cho “=”"),
        ("!approved", "“not” thay cho “!”"),
        ("x === 1", "“==” thay cho “===”"),
        ("(form.so_trang > 1", None),
        ("form.so_trang >", None),
    ],
)
def test_syntax_errors_are_vietnamese_never_python(source, hint):
    message = expressions.validate(source)
    assert message.startswith("Điều kiện sai cú pháp") and "congso đọc biểu thức dạng" in message
    for python_words in ("invalid syntax", "was never closed", "Perhaps you forgot", "unexpected EOF"):
        assert python_words not in message
    if hint:
        assert hint in message


def test_camunda_condition_is_explained_at_upload(db):
    xml = gateway_process("${approved}")
    messages = [message for _line, message in bpmn.validate(xml).errors]
    assert len(messages) == 1 and "Hãy bỏ “${” ở đầu và “}” ở cuối" in messages[0], messages


@pytest.mark.parametrize("source", [f"${{{s}}}" for s in HOSTILE[:8]] + [f"={s}" for s in HOSTILE[:4]])
def test_hostile_input_in_a_foreign_wrapper_gets_no_rewrite(source):
    """The suggested rewrite goes through the same whitelist: a hostile inner text is never proposed."""
    with pytest.raises(ExpressionError) as info:
        compile_expression(source)
    assert "Viết ở đây" not in info.value.message
