"""Bad answers to the template's questions stop the bake with a one-line message."""

import pytest


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"project_slug": "my-site"}, "'my-site' is not a valid Python identifier"),
        ({"project_slug": "1site"}, "'1site' is not a valid Python identifier"),
        ({"project_slug": "class"}, "'class' is not a valid Python identifier"),
        ({"project_slug": "django"}, "would shadow the module 'django'"),
        ({"project_slug": "config"}, "would shadow the module 'config'"),
        ({"project_slug": "tasks"}, "would shadow the module 'tasks'"),
        ({"project_slug": "test"}, "would shadow the module 'test'"),
        ({"project_slug": "json"}, "would shadow the module 'json'"),
        ({"author_email": "not-an-email"}, "'not-an-email' is not an email address"),
        ({"author_email": "you@localhost"}, "'you@localhost' is not an email address"),
    ],
    ids=lambda value: value if isinstance(value, str) and " " not in value else None,
)
def test_a_bad_answer_fails_with_a_message_saying_what_to_type(cookies, capfd, answers, message):
    result = cookies.bake(extra_context=answers)

    assert result.exit_code != 0
    assert result.project_path is None
    [line] = capfd.readouterr().err.strip().splitlines()[-1:]
    assert message in line
    assert "e.g." in line or "like" in line  # says what to type instead


def test_the_slug_is_derived_from_the_name(cookies):
    result = cookies.bake(extra_context={"project_name": "Shop Front-End"})
    assert result.exit_code == 0
    assert result.project_path.name == "shop_front_end"
    assert (result.project_path / "shop_front_end" / "accounts").is_dir()
