"""Grading on Dask: the executor of an existing cluster (``--scheduler``), or of a local one (``--workers``).

``executor(scheduler=...)`` connects to a running Dask scheduler, such as the
one ``deploy/`` runs beside the hub on Kubernetes; ``executor(workers=N)``
starts a ``LocalCluster`` of N worker processes (a real scheduler and real
worker processes, one notebook at a time each) on this machine. Either way the
coordinator gets a ``concurrent.futures`` executor (Dask's ``ClientExecutor``),
the interface the single-machine thread pool has too (``autograder.batch``).
Retrying the task of a worker that died is the scheduler's work: it gives it
to another worker, up to ``distributed.scheduler.allowed-failures`` times.

The workers need the course's environment (this package, TensorFlow, the
data set and bubblewrap): a task carries its notebooks, not the code.
"""

import contextlib

CONNECT_TIMEOUT_S = 30


class ClusterUnavailable(Exception):
    """No Dask cluster to grade on: the message says why, in one line."""


@contextlib.contextmanager
def executor(scheduler=None, workers=None):
    """A ``concurrent.futures`` executor on the Dask scheduler at ``scheduler``, or on ``workers`` local processes."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterUnavailable("grading on Dask needs the distributed package: pip install distributed") from None
    with contextlib.ExitStack() as stack:
        if scheduler:
            try:
                client = stack.enter_context(Client(scheduler, timeout=CONNECT_TIMEOUT_S))
            except (OSError, TimeoutError) as error:
                raise ClusterUnavailable(f"no Dask scheduler at {scheduler}: {error}") from None
        else:
            cluster = stack.enter_context(LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                       dashboard_address=None))
            client = stack.enter_context(Client(cluster))
        pool = client.get_executor(pure=False)
        try:
            yield pool
        finally:
            pool.shutdown(wait=False)
