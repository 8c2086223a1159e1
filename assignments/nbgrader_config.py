"""nbgrader configuration of the kit's course. Run nbgrader (and `ttt grade`) from this folder."""

c = get_config()  # noqa: F821 - provided by nbgrader

c.CourseDirectory.course_id = "ttt-workshop"

# A trainee's infinite loop must not hold up the cohort: each cell gets this many seconds.
c.ExecutePreprocessor.timeout = 30
c.ExecutePreprocessor.interrupt_on_timeout = True

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# nbgrader cuts output by lines; the kit also cuts a single line of many megabytes (ttt_widgets.grading.preprocessors)
# and adds a plain-language hint after a test's NameError; feedback shows hidden tests' messages, never their code
from ttt_widgets.grading.preprocessors import autograde_preprocessors, feedback_preprocessors  # noqa: E402

c.Autograde.autograde_preprocessors = autograde_preprocessors()
c.GenerateFeedback.preprocessors = feedback_preprocessors()
c.LimitOutputSize.max_chars = 100_000

# Every kernel that runs a submission (nbgrader autograde and validate, ttt grade) runs in the kit's bubblewrap
# sandbox, with these limits per kernel: address space, processes and threads, CPU seconds, size of a written file
# (ttt_widgets.grading.sandbox; `ttt doctor` says whether the sandbox works on this machine). This sets
# c.Execute.kernel_name = "ttt-sandbox" and c.KernelManager.transport = "ipc".
from ttt_widgets.grading.sandbox import use_sandbox  # noqa: E402

use_sandbox(c, memory="2 GiB", tasks=128, cpu_seconds=600, file_size="100 MiB")
