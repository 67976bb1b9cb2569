"""_ext/lesson_pages.py: key points copied to another page keep their glued numbers."""

from __future__ import annotations

from lesson_pages import Episode


def test_glue_roles_in_key_points_name_their_episode() -> None:
    episode = Episode(1, "episodes/01-introduction", page=None)  # type: ignore[arg-type]
    key_point = "CIFAR-10 holds {glue:text}`ep01_n_images:,` photos; {glue}`ep01_grid` shows some."
    assert episode.glue_from_here(key_point) == (
        "CIFAR-10 holds {glue:text}`/episodes/01-introduction.md::ep01_n_images:,` photos; "
        "{glue}`/episodes/01-introduction.md::ep01_grid` shows some."
    )


def test_glue_roles_that_name_a_document_stay_as_they_are() -> None:
    episode = Episode(2, "episodes/02-build-a-cnn", page=None)  # type: ignore[arg-type]
    key_point = "See {glue:text}`/episodes/01-introduction.md::ep01_n_images`."
    assert episode.glue_from_here(key_point) == key_point
