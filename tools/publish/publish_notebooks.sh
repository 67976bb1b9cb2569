#!/bin/sh
# Push _build/notebooks (written by `make notebooks`) as the branch `notebooks`,
# which the site's Binder and Colab buttons open. A publish job runs it after
# `make site` and `make notebooks` on main:  sh tools/publish/publish_notebooks.sh [REMOTE] [BRANCH]
# The branch is generated: each run replaces it by a single commit (force push),
# like a gh-pages branch. REMOTE defaults to origin's URL, BRANCH to notebooks.
# NOTEBOOKS_DIR names another folder to push.
set -eu
src=${NOTEBOOKS_DIR:-_build/notebooks}
remote=${1:-$(git remote get-url origin)}
branch=${2:-notebooks}
source_commit=$(git rev-parse --short HEAD)

test -f "$src/requirements.txt" || { echo "No $src: run make notebooks first." >&2; exit 1; }
rm -rf "$src/.git"
git -C "$src" init --quiet --initial-branch="$branch"
git -C "$src" add --all
git -C "$src" -c user.name="${GIT_AUTHOR_NAME:-lesson-bot}" -c user.email="${GIT_AUTHOR_EMAIL:-lesson-bot@users.noreply.github.com}" \
    commit --quiet -m "Colab notebooks from $source_commit"
git -C "$src" push --force --quiet "$remote" "$branch"
echo "Pushed $src to $remote as $branch"
