"""Row URLs made once per list give exactly what url_for gives for each row."""

import pytest
from flask import url_for

from pmweb.urls import url_maker


@pytest.mark.parametrize(
    ("endpoint", "varying", "fixed"),
    [
        ("meetings.edit_talking_point", "point_id", {}),
        ("meetings.delete_talking_point", "point_id", {}),
        ("meetings.mark_action_item_done", "item_id", {"meeting_id": 7}),
        ("meetings.check_in_goal", "goal_id", {"meeting_id": 70}),
        ("goals.goal", "goal_id", {}),
    ],
)
def test_a_row_url_is_what_url_for_gives(app, endpoint, varying, fixed):
    with app.test_request_context("/"):
        make = url_maker(endpoint, varying, **fixed)
        for row_id in (1, 7, 70, 123456):
            assert make(row_id) == url_for(endpoint, **fixed, **{varying: row_id})


def test_only_an_integer_id_goes_into_a_row_url(app):
    with app.test_request_context("/"):
        make = url_maker("goals.goal", "goal_id")
        for bad in ("1/../../admin", 1.5, True, None):
            with pytest.raises(TypeError):
                make(bad)
