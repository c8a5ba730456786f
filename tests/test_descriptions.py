"""Every explorer frame describes itself in words computed from the numbers it draws (issue 15).

The description is the image's text alternative, its `tooltip` (the img's title; the book's
widget bundle also makes it the alt): in live mode it is set at every redraw, in the static
book each frame stores its own.
"""

import pytest

from mml4_lib.explorers import EXPLORERS
from mml4_lib.playground import PlaygroundWidget, static_playground

NOT_MADE = "Figure for"  # what an explorer that wrote no description would get


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_every_control_value_gets_its_own_description(name):
    ex = EXPLORERS[name](mode="live")
    assert ex.description and not ex.description.startswith(NOT_MADE)
    assert ex.image.tooltip == ex.description
    assert ex.image.description == ""  # synced, so ipywidgets' front end can show the title
    for c in ex.controls:
        seen = set()
        for v in c.values:
            ex.set(**{c.name: v})
            assert ex.description and not ex.description.startswith(NOT_MADE), (c.name, v)
            assert ex.image.tooltip == ex.description
            assert "\n" not in ex.description
            seen.add(ex.description)
        # the words follow the numbers: another value of a control, another description
        assert len(seen) > 1, (name, c.name, seen)
        ex.set(**{c.name: c.value})
    assert ex.errors == []


def test_static_frames_store_their_descriptions():
    ex = EXPLORERS["neuron"](mode="static")
    assert set(ex.descriptions) == set(ex.frames)
    assert len(set(ex.descriptions.values())) == len(ex.frames)  # every frame its own words
    node = ex.stacks[0][0]
    combo = []
    for c in ex.controls:  # walk to the frame of the initial values
        node = node.children[c.index]
        combo.append(c.value)
    assert bytes(node.value) == ex.frames[tuple(combo)]
    assert node.tooltip == ex.descriptions[tuple(combo)] and node.description == ""


def test_a_message_is_part_of_the_description():
    ex = EXPLORERS["gd_neuron"](mode="live")
    ex.set(lr=300.0, step=200)
    assert "diverged" in ex.description or "UP" in ex.description


def test_the_playground_describes_its_frames():
    w = PlaygroundWidget("dataset=xor&hidden=3")
    first = w.image.tooltip
    assert "epoch 0" in first and "xor" in first
    w.tick()
    assert "epoch 1" in w.image.tooltip and w.image.tooltip != first
    static = static_playground({"a": "dataset=xor"}, epochs=(0, 5), dpi=30)
    words = list(static.descriptions.values())
    assert len(set(words)) == 2 and all("test loss" in t for t in words)
