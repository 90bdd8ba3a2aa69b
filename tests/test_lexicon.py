"""The cue vocabulary files (src/kg/extract/vocab/*.yaml): strict loading, as for the registry."""

from __future__ import annotations

import shutil
from importlib.resources import files

import pytest

from kg.extract import _package_files
from kg.extract.lexicon import SCHEMA, LexiconError, load_lexicon, read_file, vocab_dir


def write(tmp_path, text: str):
    path = tmp_path / "relations.yaml"
    path.write_text(text, encoding="utf-8")
    return path


SCHEMA_SMALL = {"penalty": "words", "cue": "pattern"}


@pytest.mark.parametrize("text, message, key", [
    ("penalty: [罚款]\ncue: 'E罚款'\nextra: [x]\n", "unknown key", "extra"),
    ("penalty: 罚款\ncue: 'E罚款'\n", "list", "penalty"),
    ("penalty: [罚款, 3]\ncue: 'E罚款'\n", "non-empty strings", "penalty"),
    ("penalty: [罚款]\ncue: 'E(罚款'\n", "regular expression", "cue"),
    ("penalty: [罚款]\ncue: 'E{{fines}}'\n", "placeholder", "cue"),
    ("penalty: [罚款]\n", "missing", "cue"),
])
def test_mistakes_name_the_file_and_the_key(tmp_path, text, message, key):
    with pytest.raises(LexiconError) as err:
        read_file(write(tmp_path, text), SCHEMA_SMALL)
    assert "relations.yaml" in str(err.value) and message in str(err.value) and key in str(err.value)


def test_a_placeholder_becomes_the_alternation_of_its_words(tmp_path):
    got = read_file(write(tmp_path, "penalty: [罚款, 警示函]\ncue: 'E被{{penalty}}'\n"), SCHEMA_SMALL)
    assert got == {"penalty": ("罚款", "警示函"), "cue": "E被(?:罚款|警示函)"}


def test_a_placeholder_may_name_a_common_word_list(tmp_path):
    got = read_file(write(tmp_path, "penalty: [x]\ncue: 'E{{renaming}}E'\n"), SCHEMA_SMALL,
                    common={"renaming": ("更名为", "更名")})
    assert got["cue"] == "E(?:更名为|更名)E"


def test_table_rows_have_exactly_their_fields(tmp_path):
    rows = "gap: '.'\nstake: '.'\nmember_list: 'E'\nrules:\n  - {predicate: operates, pattern: 'EE', subject: 1}\n"
    schema = {k: SCHEMA["relations.yaml"][k] for k in ("gap", "stake", "member_list", "rules")}
    with pytest.raises(LexiconError, match=r"rules\[0\].*missing field 'object'"):
        read_file(write(tmp_path, rows), schema)
    with pytest.raises(LexiconError, match=r"rules\[0\]\.subject.*whole number"):
        read_file(write(tmp_path, rows.replace("subject: 1", "subject: one, object: 2")), schema)


def test_an_unknown_vocabulary_file_is_an_error(tmp_path, monkeypatch):
    for name in SCHEMA:
        shutil.copy(vocab_dir() / name, tmp_path / name)
    (tmp_path / "cues.yaml").write_text("x: [y]\n", encoding="utf-8")
    monkeypatch.setattr("kg.extract.lexicon.vocab_dir", lambda: tmp_path)
    with pytest.raises(LexiconError, match="cues.yaml: unknown vocabulary file"):
        load_lexicon.__wrapped__()


def test_the_shipped_files_load_and_every_file_is_declared():
    lexicon = load_lexicon()
    assert set(lexicon) == set(SCHEMA)
    shipped = {p.name for p in vocab_dir().iterdir() if p.name.endswith(".yaml")}
    assert shipped == set(SCHEMA)


def test_the_extractor_fingerprint_covers_the_vocabulary():
    names = [name for name, _ in _package_files(files("kg.extract"))]
    assert {f"vocab/{name}" for name in SCHEMA} <= set(names)
    assert "names/legal.py" in names and "relations/rules.py" in names
