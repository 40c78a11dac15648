"""The instructor's tools for a workshop on a JupyterHub: the nbgitpuller links that hand the
course out (``python -m course_lib.hub link``). Nothing a lesson or an exercise imports."""
