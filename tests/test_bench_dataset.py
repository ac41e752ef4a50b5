"""The benchmark's dataset (COPY, no save()) is what the application would have stored: its
parts carry their mission's session and centre, as the control queue counts on."""

import dataclasses

import pytest

from bench import config, dataset
from missions.models import FeePart, Mission
from tests.missions.test_part_copies import assert_copies_follow_missions

pytestmark = pytest.mark.django_db


def test_build__parts_copy_their_mission_s_session_and_centre():
    small = dataclasses.replace(config.load(), intervenants=30, missions=120)
    counts = dataset.build(small)
    assert counts["missions"] == Mission.objects.count() == 120
    assert FeePart.objects.count() == counts["parts"] == 240
    assert_copies_follow_missions()
