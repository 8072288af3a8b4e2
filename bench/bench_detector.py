"""Throughput of seisnb.detector.scan_continuous on one day of 20 Hz three-component data.

One day at 20 Hz is 1,728,000 samples per component; a 25 s window every 1 s gives 86,400 windows.
The optimised path (strided views, per-batch demean and max-abs normalisation, batched forward under torch.inference_mode)
is timed on the whole day; two baselines are timed in the same process and extrapolated to the day:
the naive loop (cut, normalise and classify one window at a time) on the first `--naive` windows, and the
same batched scan with the earlier default of 1024 windows per batch (`--baseline-batch`) on `--baseline-hours`.
Batches of 1024 windows make the first layer's activations 32 MB (1024 x 32 x 250 float32), the size at which
glibc's malloc hands allocations to mmap: every batch then page-faults its buffers afresh, and the CPU time per
window is about 2.5x that of batches of 64 (2 MB), whose buffers malloc reuses (the script prints the page-fault
counts; batches of 128-256 fault or not depending on the heap's history).
Target (issue 4): under 10 s on 2 cores. Wall-clock and CPU time are both printed: on a shared machine the CPU
time is the better measure of the method's cost.

    .venv/bin/python bench/bench_detector.py [--threads 2] [--hours 24] [--batch 64] [--naive 2000]
                                             [--baseline-batch 1024] [--baseline-hours 6]
"""
import argparse, time, os, resource
import numpy as np, torch

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--threads', type=int, default=min(2, os.cpu_count() or 1),
                    help="torch CPU threads (default: the target's 2 cores; 1 is faster when the cores are shared)")
    ap.add_argument('--hours', type=float, default=24., help='hours of 20 Hz data to scan')
    ap.add_argument('--batch', type=int, default=64, help='windows per forward pass')
    ap.add_argument('--baseline-batch', type=int, default=1024, help='batch size of the batched baseline (0: skip)')
    ap.add_argument('--baseline-hours', type=float, default=6., help='hours scanned by the batched baseline')
    ap.add_argument('--naive', type=int, default=2000, help='windows timed for the naive per-window baseline')
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    from seisnb.detector import detector_cnn, scan_continuous, predict_proba
    from seisnb.waveforms import normalize_windows
    rng = np.random.default_rng(0)
    n = int(a.hours * 3600 * 20) + 24 * 20                     # + 24 s so the last window starts at 23:59:59
    data = rng.standard_normal((3, n), dtype=np.float32)       # content does not change the cost
    torch.manual_seed(0); model = detector_cnn().eval()
    print(f'torch {torch.__version__}, {a.threads} thread(s), {os.cpu_count()} CPUs visible, load average {os.getloadavg()[0]:.1f}')
    scan_continuous(model, data[:, :20 * 3600], batch=a.batch)  # warm-up
    f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    c0, t0 = time.process_time(), time.perf_counter(); sc = scan_continuous(model, data, batch=a.batch)
    t_fast, c_fast = time.perf_counter() - t0, time.process_time() - c0
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0
    nw = len(sc)
    # naive: one window at a time
    c0, t0 = time.process_time(), time.perf_counter()
    with torch.no_grad():
        for i in range(a.naive):
            w = normalize_windows(data[:, i * 20:i * 20 + 500][None], demean=True)
            p_naive = torch.sigmoid(model(torch.from_numpy(w)))[0, 0].item()
    t_naive_per, c_naive_per = (time.perf_counter() - t0) / a.naive, (time.process_time() - c0) / a.naive
    assert abs(p_naive - sc.probability[a.naive - 1]) < 1e-4, 'naive and optimised paths disagree'
    t_naive = t_naive_per * nw
    if a.baseline_batch:
        nb = int(a.baseline_hours * 3600 * 20) + 24 * 20
        f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        c0, t0 = time.process_time(), time.perf_counter(); sb = scan_continuous(model, data[:, :nb], batch=a.baseline_batch)
        faults_b = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0
        t_b, c_b = (time.perf_counter() - t0) / len(sb) * nw, (time.process_time() - c0) / len(sb) * nw
        assert np.allclose(sb.probability, sc.probability[:len(sb)], atol=1e-5), 'batch sizes disagree'
    print(f'windows: {nw:,} ({a.hours:g} h at 1 s stride)')
    print(f'optimised scan: {t_fast:.2f} s wall, {c_fast:.2f} s CPU ({nw / t_fast:,.0f} windows/s); '
          f'target < 10 s wall: {"met" if t_fast < 10 else f"missed by {t_fast - 10:.1f} s"}; {faults:,} minor page faults')
    print(f'naive per-window loop: {t_naive_per * 1e3:.3f} ms/window wall, {c_naive_per * 1e3:.3f} ms CPU -> '
          f'{t_naive:.1f} s wall extrapolated from {a.naive} windows')
    print(f'speed-up over naive: {t_naive / t_fast:.1f}x wall, {c_naive_per * nw / c_fast:.1f}x CPU')
    if a.baseline_batch:
        print(f'batch {a.baseline_batch} baseline: {t_b:.2f} s wall, {c_b:.2f} s CPU per day (extrapolated from {a.baseline_hours:g} h, {faults_b:,} minor page faults); '
              f'batch {a.batch} is {t_b / t_fast:.1f}x faster in wall time, {c_b / c_fast:.1f}x in CPU time')
    return t_fast, t_naive

if __name__ == '__main__': main()
