"""tools/build/run_seeds.py, which `make seeds` runs: what it can get wrong without running a kernel."""

from __future__ import annotations

import ast
import json
import re

from run_seeds import (
    BUILD_SEED, EpisodeRun, Failure, expressions_to_show, failing_line, new_seed, print_tables,
    probe_code, replace_seeds, rest_after, statement_at,
)

from lesson.episodes import read_episodes

SPLIT = re.compile(r"rng = np\.random\.default_rng\((\d+)\)\nshuffled = rng\.permutation")


def test_every_kind_of_seed_is_replaced_and_nothing_else() -> None:
    source = ("keras.utils.set_random_seed(42)\nrng = np.random.default_rng(42)\nSEED = 42\n"
              "augment = RandomFlip(seed=3)\nsample = rng.choice(10, size=42)\nnoise = np.random.random(5)\n"
              "assert seed == 42\nsame = keras.utils.set_random_seed(SEED)\n")
    replaced, count = replace_seeds(source, 1234)
    assert count == 4
    assert replaced.splitlines()[:4] == ["keras.utils.set_random_seed(1234)", "rng = np.random.default_rng(1234)",
                                         "SEED = 1234", "augment = RandomFlip(seed=1238)"]
    assert replaced.splitlines()[4:] == source.splitlines()[4:]


def test_equal_seeds_stay_equal_and_different_ones_different() -> None:
    for seed in (1234, 7, 0):
        assert new_seed(seed, BUILD_SEED) == seed
        others = [new_seed(seed, literal) for literal in (0, 1, 3, 7, 2021)]
        assert len(set(others)) == len(others) and seed not in others


def test_episodes_2_and_3_keep_one_validation_split() -> None:
    episodes = {episode.name[:2]: "\n".join(cell.source for cell in episode.cells) for episode in read_episodes()}
    before = [SPLIT.search(episodes[number]) for number in ("02", "03")]
    assert all(before), "episodes 2 and 3 no longer make the validation split as run_seeds.py's docstring says"
    after = [SPLIT.search(replace_seeds(episodes[number], 7)[0]) for number in ("02", "03")]
    assert before[0][1] == before[1][1] and after[0][1] == after[1][1] != before[0][1]


def test_no_seed_of_an_episode_is_left_as_it_was() -> None:
    for episode in read_episodes():
        for cell in episode.cells:
            replaced, _ = replace_seeds(cell.source, 99991)  # every seed becomes 99991 or more
            for line in replaced.splitlines():
                code = line.split("#")[0]
                if re.search(r"seed|rng\(|RandomState|PRNGKey", code, re.IGNORECASE):
                    assert all(int(number) >= 99991 for number in re.findall(r"\b\d+\b", code)), (episode.name, line)


def test_the_failing_line_is_the_last_frame_of_this_cell() -> None:
    traceback = ["\x1b[31m---------------------------------------------------------------------------\x1b[39m",
                 "\x1b[31mAssertionError\x1b[39m  Traceback (most recent call last)",
                 "\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[12]\x1b[39m\x1b[32m, line 3\x1b[39m",
                 "\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[12]\x1b[39m\x1b[32m, line 7\x1b[39m, in check()",
                 "\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[5]\x1b[39m\x1b[32m, line 2\x1b[39m, in helper()"]
    plain = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in traceback]
    assert plain[2] == "Cell In[12], line 3"
    assert failing_line(traceback, 12) == 7
    assert failing_line(traceback, 5) == 2
    assert failing_line(traceback, 13) is None


def test_a_failed_assert_is_found_and_the_rest_of_its_cell_can_run() -> None:
    source = "best = 3\nassert a > b - 0.02, 'falls'\nfor x in xs:\n    assert x > 0\nassert len(xs) == 2\n"
    tree = ast.parse(source)
    first = statement_at(tree, 2)
    assert isinstance(first, ast.Assert) and first.lineno == 2
    rest, offset = rest_after(source, tree, first)
    assert offset == 2 and rest.startswith("for x in xs:")
    in_loop = statement_at(tree, 4)
    assert isinstance(in_loop, ast.Assert) and rest_after(source, tree, in_loop) is None
    assert rest_after(source, tree, statement_at(tree, 5)) is None  # the last statement: nothing left
    assert not isinstance(statement_at(tree, 1), ast.Assert)


def test_the_values_shown_are_the_operands_and_nothing_that_trains() -> None:
    def shown(statement: str) -> list[str]:
        return expressions_to_show(ast.parse(statement).body[0])

    assert shown("assert s['val_accuracy'].iloc[-1] > s['val_accuracy'].iloc[best - 1] - 0.02") == [
        "s['val_accuracy'].iloc[-1]", "s['val_accuracy'].iloc[best - 1] - 0.02"]
    assert shown("assert 0.15 < baseline < simple - 0.1") == ["baseline", "simple - 0.1"]
    assert shown("assert all(p > s for p, s in zip(history.history['val_accuracy'], validation))") == [
        "history.history['val_accuracy']", "validation"]
    assert shown("assert model.evaluate(x_val, y_val)[1] > 0.5") == []
    assert shown("print('not an assertion')") == []


def test_the_probe_prints_each_value_or_its_error(capsys) -> None:
    exec(probe_code(["x + 1", "missing", "'|' * 500"]), {"x": 1})
    values = json.loads(capsys.readouterr().out)
    assert values["x + 1"] == "2"
    assert values["missing"].startswith("<NameError")
    assert len(values["'|' * 500"]) < 500


def test_the_tables_show_wall_times_and_every_failure(capsys) -> None:
    failure = Failure(cell="02-build-a-cnn.md:1131 build-only, cell line 9", error="AssertionError",
                      statement="assert a | b > c", values={"a | b": "0.43", "c": "0.435"})
    print_tables([EpisodeRun("02-build-a-cnn", 1234, 412.5, [failure]), EpisodeRun("04-transfer-learning", 7, 99.0)])
    rows = capsys.readouterr().out.splitlines()
    assert "| 02-build-a-cnn         |   1234 |   412.5 |      1 (1) |" in rows
    assert "| 04-transfer-learning   |      7 |    99.0 |          0 |" in rows
    assert rows[-1] == ("| 02-build-a-cnn | 1234 | 02-build-a-cnn.md:1131 build-only, cell line 9 | AssertionError "
                        "| `assert a \\| b > c` | `a \\| b` = 0.43; `c` = 0.435 |")
