"""What the explorer tests share: a stand-in figure for tests of frames and links."""

from mml4_lib.plotting.render import new_figure


def stand_in_figure(monkeypatch, module, setup_name, update_name):
    """Replace an explorer's setup and update with a tiny figure that shows the control values.

    A test about an Explorer's static frames and links then renders in milliseconds, and the
    frames still differ whenever any control value does. The explorer's own drawing is tested
    elsewhere, value by value.
    """
    def tiny_setup():
        fig = new_figure(1, 0.5, 20)
        return {"fig": fig, "text": fig.text(0, 0, "")}

    def tiny_update(state, **values):
        state["text"].set_text("".join(str(v) for v in values.values()))

    monkeypatch.setattr(module, setup_name, tiny_setup)
    monkeypatch.setattr(module, update_name, tiny_update)
