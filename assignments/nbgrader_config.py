"""nbgrader configuration of the kit's course. Run nbgrader (and `ttt grade`) from this folder."""

c = get_config()  # noqa: F821 - provided by nbgrader

c.CourseDirectory.course_id = "ttt-workshop"

# A trainee's infinite loop must not hold up the cohort: each cell gets this many seconds.
c.ExecutePreprocessor.timeout = 30
c.ExecutePreprocessor.interrupt_on_timeout = True

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# nbgrader cuts output by lines; the kit also cuts a single line of many megabytes (ttt_widgets.grading.preprocessors)
from ttt_widgets.grading.preprocessors import autograde_preprocessors  # noqa: E402

c.Autograde.autograde_preprocessors = autograde_preprocessors()
c.LimitOutputSize.max_chars = 100_000
