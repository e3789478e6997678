"""The built-in question bank: talking points by theme that either person can add to
an agenda with one click, beside the questions each person keeps for themselves
(``Question``). Written to open a conversation, not to fill a form."""

THEMES = {
    "career": "Career",
    "wellbeing": "Wellbeing",
    "feedback": "Feedback",
    "blockers": "Blockers",
    "recognition": "Recognition",
    "goals": "Goals",
}

BUILT_IN = {
    "career": [
        "Where would you like to be in two years, and what would help you get there?",
        "Which part of your work would you like more of? Which less?",
        "What skill do you want to build next, and where could you practise it here?",
        "Is there someone in the company whose work you'd like to learn from?",
        "What kind of project would stretch you in the next quarter?",
    ],
    "wellbeing": [
        "How is your workload this week, honestly: light, right or too much?",
        "What has taken more energy than it should lately?",
        "Is anything outside work making this period harder that I should know about?",
        "When did you last take proper time off? Is some planned?",
        "What would make next week calmer?",
    ],
    "feedback": [
        "What could I do differently to support you better?",
        "Is there feedback you've been holding back, for me or the team?",
        "Which of our meetings or processes would you change or drop?",
        "What is one thing I should keep doing?",
        "How did the last piece of feedback I gave you land?",
    ],
    "blockers": [
        "What is slowing you down right now?",
        "Is there a decision you're waiting on from me or someone else?",
        "Where are you stuck between two priorities?",
        "What would you stop doing if you could?",
        "Who do you need an introduction to?",
    ],
    "recognition": [
        "What are you most proud of since we last met?",
        "Whose help made a difference to you recently?",
        "What went better than expected this week?",
        "Is there work of yours that deserves more visibility?",
        "How do you like to be thanked for good work?",
    ],
    "goals": [
        "Which goal is furthest behind, and what would move it?",
        "Is any goal no longer the right one? Should we change or drop it?",
        "What would make you confident about the goal due next?",
        "Which step of your development plan comes next?",
        "What does done look like for what you're working on now?",
    ],
}
