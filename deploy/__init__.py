"""The course's deployment: the student image's build context (``python -m deploy.student_build``) and the hub's files."""
