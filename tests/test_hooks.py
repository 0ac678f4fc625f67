"""Answers to the template's questions: bad ones stop the bake with a one-line message,
and any project name gives a usable package name without typing one."""

from pathlib import Path

import pytest

BAD_ANSWERS = [
    ({"project_slug": "my-site"}, "'my-site' is not a valid Python package name", "'my_site'"),
    ({"project_slug": "1site"}, "'1site' is not a valid Python package name", "'project_1site'"),
    ({"project_slug": "class"}, "'class' is not a valid Python package name", "'class_site'"),
    ({"project_slug": "café"}, "'café' is not a valid Python package name", "'cafe'"),
    ({"project_slug": "shop_"}, "'shop_' is not a valid Python package name", "'shop'"),
    ({"project_slug": "django"}, "would shadow the module 'django'", "'django_site'"),
    ({"project_slug": "config"}, "would shadow the module 'config'", "'config_site'"),
    ({"project_slug": "json"}, "would shadow the module 'json'", "'json_site'"),
    ({"author_email": "not-an-email"}, "'not-an-email' is not an email address", "like"),
    ({"author_email": "you@localhost"}, "'you@localhost' is not an email address", "like"),
]


@pytest.mark.parametrize(
    ("answers", "message", "suggestion"),
    BAD_ANSWERS,
    ids=[next(iter(answers.values())) for answers, _, _ in BAD_ANSWERS],
)
def test_a_bad_answer_fails_with_a_message_saying_what_to_type(
    cookies, capfd, answers, message, suggestion
):
    result = cookies.bake(extra_context=answers)

    assert result.exit_code != 0
    assert result.project_path is None
    [line] = capfd.readouterr().err.strip().splitlines()[-1:]
    assert message in line
    assert suggestion in line  # says what to type instead


@pytest.mark.parametrize(
    ("project_name", "package"),
    [
        ("Tasks Demo", "tasks_demo"),
        ("Café Tâches", "cafe_taches"),
        ("Mr. O'Brien's Shop!", "mr_o_brien_s_shop"),
        ("2nd Site", "project_2nd_site"),
        ("日本のサイト", "ri_ben_nosaito"),
        ("🚀", "project"),
        ("Django", "django_site"),
        ("Test", "test_site"),
    ],
)
def test_the_package_name_is_derived_from_any_project_name(cookies, project_name, package):
    result = cookies.bake(extra_context={"project_name": project_name})

    assert result.exit_code == 0, result.exception
    assert result.project_path.name == package
    assert (result.project_path / package / "accounts").is_dir()
    pyproject = (result.project_path / "pyproject.toml").read_text()
    assert f'name = "{package}"' in pyproject


def written_by_the_reader() -> set[str]:
    """The files the tutorial's starter leaves out (hooks/post_gen_project.py), `{pkg}/...`."""
    hook = Path(__file__).parents[1] / "hooks" / "post_gen_project.py"
    namespace: dict = {"__name__": "hook"}
    exec(hook.read_text(), namespace)  # noqa: S102  the template's own hook, not rendered
    return {path.replace("{{ cookiecutter.project_slug }}", "{pkg}")
            for path in namespace["WRITTEN_BY_THE_READER"]}  # fmt: skip


def test_the_tutorial_starter_lacks_exactly_the_files_its_reader_writes(cookies):
    finished = cookies.bake(extra_context={"project_name": "Finished"})
    starter = cookies.bake(extra_context={"project_name": "Starter", "tutorial_starter": "yes"})

    assert (finished.exit_code, starter.exit_code) == (0, 0)
    files = {path.relative_to(finished.project_path).as_posix().replace("finished/", "{pkg}/")
             for path in finished.project_path.rglob("*") if path.is_file()}  # fmt: skip
    left = {path.relative_to(starter.project_path).as_posix().replace("starter/", "{pkg}/")
            for path in starter.project_path.rglob("*") if path.is_file()}  # fmt: skip
    # The template's _starter/: tasks run inside enqueue(), registration sends no email, the
    # status page does not update itself, the report's task is a placeholder.
    starter_versions = {"config/settings/tasks.py", "{pkg}/accounts/views.py",
                        "{pkg}/taskstatus/views.py", "{pkg}/reports/tasks.py"}  # fmt: skip
    assert files - left == written_by_the_reader() - starter_versions
    assert left <= files
    assert not any(path.startswith("_starter/") for path in files | left)
    for path in starter_versions:
        mine = Path(starter.project_path, path.replace("{pkg}", "starter")).read_text()
        assert mine != Path(finished.project_path, path.replace("{pkg}", "finished")).read_text()
