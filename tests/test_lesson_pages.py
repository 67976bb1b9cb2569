"""lesson/sphinx/lesson_pages.py: key points keep their glued numbers; the schedule counts every minute."""

from __future__ import annotations

from pathlib import Path

from lesson.episodes import Episode
from lesson.sphinx.lesson_pages import (WRAP_UP, Day, glue_from_here, ingredients_table, schedule_table, strip_refs,
                                        timetable)


def episode(number: int, docname: str) -> Episode:
    return Episode(number, docname, Path(f"{docname}.md"))


def test_glue_roles_in_key_points_name_their_episode() -> None:
    key_point = "CIFAR-10 holds {glue:text}`ep01_n_images:,` photos; {glue}`ep01_grid` shows some."
    assert glue_from_here(episode(1, "episodes/01-introduction"), key_point) == (
        "CIFAR-10 holds {glue:text}`/episodes/01-introduction.md::ep01_n_images:,` photos; "
        "{glue}`/episodes/01-introduction.md::ep01_grid` shows some."
    )


def test_glue_roles_that_name_a_document_stay_as_they_are() -> None:
    key_point = "See {glue:text}`/episodes/01-introduction.md::ep01_n_images`."
    assert glue_from_here(episode(2, "episodes/02-build-a-cnn"), key_point) == key_point


def test_a_day_counts_setup_breaks_and_lunch() -> None:
    slots = timetable([("one", 30), ("two", 115), ("three", 35), ("four", 70), ("five", 45)])
    assert [(slot.what, slot.minutes) for slot in slots if not slot.teaching] == [
        (slots[0].what, 15), ("Break", 15), ("Lunch", 60), ("Break", 15), (WRAP_UP, 10)]
    # Every minute is on the clock: each slot starts where the one before ended.
    assert all(after.start == before.start + before.minutes for before, after in zip(slots, slots[1:]))
    assert sum(slot.minutes for slot in slots if slot.teaching) == 295
    assert max(slot.minutes for slot in slots if slot.teaching) <= Day().stretch
    assert {slot.day for slot in slots} == {1}
    assert slots[-1].start + slots[-1].minutes <= 16 * 60  # the wrap-up ends the day by 16:00


def test_a_long_episode_is_split_at_a_break_and_no_piece_is_tiny() -> None:
    slots = timetable([("long", 200)])
    pieces = [slot for slot in slots if slot.teaching]
    assert [slot.what for slot in pieces] == ["long (start)", "long (continued)", "long (continued)"]
    assert sum(slot.minutes for slot in pieces) == 200 and min(slot.minutes for slot in pieces) >= 20


def test_what_does_not_fit_one_day_goes_on_the_next() -> None:
    slots = timetable([(f"part {n}", 60) for n in range(8)], Day(end=16 * 60))
    assert max(slot.day for slot in slots) == 2
    assert all(slot.start + slot.minutes <= 16 * 60 for slot in slots)
    table = schedule_table(slots)
    assert "Day 2, 09:00 | Recap of the day before" in table and "End of the day" in table
    assert table.rstrip().endswith("| Finish | |")
    # Each day ends with its wrap-up; the second starts with a recap.
    assert [slot.what for slot in slots if slot.what == WRAP_UP or slot.what.startswith("Recap")] == [
        WRAP_UP, "Recap of the day before; questions", WRAP_UP]


def test_objectives_lose_their_exercise_references_in_the_table() -> None:
    assert strip_refs("Build a CNN ({ref}`ep02-write-a-cnn`).") == "Build a CNN."
    assert strip_refs("Load data ({ref}`a`, {ref}`b`)") == "Load data"


def test_the_ingredients_table_puts_each_variant_beside_its_test_time_flips() -> None:
    def row(variant: str, accuracy: str, per_seed: str) -> dict[str, str]:
        return {"variant": variant, "seeds": "3", "test_accuracy": accuracy, "test_spread": "0.0010",
                "test_per_seed": per_seed, "epochs_run": "7.0"}

    table = ingredients_table([row("flip", "0.7465", "0.74 0.75 0.75"),
                               row("flip + tta", "0.7587", "0.76 0.76 0.76")])
    assert table.splitlines()[2:] == [
        "| `flip` | 0.7465 ± 0.0010 | 0.7587 ± 0.0010 | 7.0 |"]
