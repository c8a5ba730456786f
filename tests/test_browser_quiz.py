"""Self-check quizzes in the built book: the right answer gets the right feedback, with no kernel.

For every chapter page with a quiz, every answer button is clicked in Chromium. Each button is
matched to its answer in mml4_lib/quizzes/chNN.json (`ml.quiz.questions`) through its feedback
text; the feedback box must then show that feedback and be marked correct exactly when the JSON
says the answer is correct. Uses the browser fixtures of test_browser.py (the same server,
offline routing and skip/fail rules).
"""

import json
import re
from pathlib import Path

import pytest
from browser_support import HTML

from mml4_lib import quiz

ROOT = Path(__file__).resolve().parents[1]
QUIZ_REF = re.compile(r"quiz\.show\(\s*[\"'](ch\d\d[a-z]?)[\"']")


def _quizzes():
    """(page path, quiz name "chNN") for every chapter notebook that shows a quiz."""
    found = []
    for nb_path in sorted((ROOT / "chapters").glob("*.ipynb")):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            source = "".join(cell["source"]) if cell["cell_type"] == "code" else ""
            match = QUIZ_REF.search(source)
            if match:
                found.append((f"chapters/{nb_path.stem}.html", match.group(1)))
    return found


QUIZZES = _quizzes()

BUTTONS = """() => Array.from(document.querySelectorAll('label.MCButton')).map(l => ({
  id: l.id, feedback: l.dataset.feedback || '', correct: l.dataset.correct === 'true'}))"""

FEEDBACK = """(id) => { const fb = document.getElementById('fb' + id.split('-')[0]);
  return {cls: fb.className, text: fb.innerText}; }"""


def _plain(text):
    # Compare feedback as words: MathJax typesets $...$, so keep only the letters around it.
    return re.sub(r"\$[^$]*\$", " ", text).split()[:6]


@pytest.mark.browser
@pytest.mark.parametrize("page_path, quiz_name", QUIZZES, ids=[q[0] for q in QUIZZES])
def test_quiz_gives_the_right_feedback(page_path, quiz_name, book_url, browser_context):
    questions = quiz.questions(quiz_name)
    by_feedback = {a["feedback"]: a for q in questions for a in q["answers"]}
    page = browser_context.new_page()
    try:
        page.goto(book_url + page_path, wait_until="load")
        page.wait_for_selector("label.MCButton", timeout=15_000)
        buttons = page.evaluate(BUTTONS)
        n_answers = sum(len(q["answers"]) for q in questions)
        assert len(buttons) == n_answers, f"{len(buttons)} buttons for {n_answers} answers"
        problems = []
        for button in buttons:
            answer = by_feedback.get(button["feedback"])
            if answer is None:
                problems.append(f"button {button['id']}: feedback not in {quiz_name}.json")
                continue
            if button["correct"] != answer["correct"]:
                problems.append(f"{answer['answer']!r}: marked correct={button['correct']}")
            page.locator(f"label.MCButton[id='{button['id']}']").click()
            shown = page.evaluate(FEEDBACK, button["id"])
            verdict = "correct" if answer["correct"] else "incorrect"
            if verdict not in shown["cls"].split():
                problems.append(f"{answer['answer']!r}: feedback box {shown['cls']!r}")
            if _plain(answer["feedback"])[:3] and not all(
                w in shown["text"] for w in _plain(answer["feedback"])[:3]
            ):
                problems.append(f"{answer['answer']!r}: shows {shown['text'][:60]!r}")
        assert not problems, f"{page_path}:\n" + "\n".join(problems)
    finally:
        page.close()


def test_every_chapter_quiz_is_in_the_book():
    if not HTML.is_dir():
        pytest.skip("no built book")
    for page_path, _ in QUIZZES:
        assert (HTML / page_path).is_file(), f"{page_path} is not in the built book"
