"""Background halves of the file imports (thamm.jobs.JobTask: they take the job, claim it once,
and record its outcome); they may safely run twice."""

from celery import shared_task

from thamm.jobs import JobTask


@shared_task(
    base=JobTask,
    when_failed="training.imports.import_job_failed",
    before_retry="training.imports.import_job_retry",
)
def check_results_file(job, *, import_id: int) -> None:
    from .imports import import_check_in_background

    import_check_in_background(import_id=import_id)


@shared_task(
    base=JobTask,
    when_failed="training.imports.import_job_failed",
    before_retry="training.imports.import_job_retry",
)
def import_results_file(job, *, import_id: int, user_id: int) -> None:
    from .imports import import_run_in_background

    import_run_in_background(import_id=import_id, user_id=user_id)
