"""LRP cost against one forward + backward pass of the same batch (issue 4, 06_interpret).

Target: relevance for a batch of 256 windows (3 x 500) through the paper's detector costs at most
3x one forward + backward pass (gradients to the weights, as one training step without the update).
Both are timed in this process, interleaved round by round in shuffled order (the machine is shared), and the
median of the per-round ratios is printed per LRP rule, for wall time and for the process's CPU time (with one
thread the CPU time is the work done and is far less disturbed by other jobs on a loaded machine; wall time
is what a user waits). Default: one torch thread; `python bench/bench_lrp.py 2` uses two.
"""
import sys, time, statistics, random
import torch, torch.nn as nn
from seisnb.interpret import lrp

def detector_like() -> nn.Sequential:
    "The paper's detector: 7 x [Conv1d(32, k3, s2, p1), ReLU], Flatten, Linear, ReLU, Linear -> 1 logit."
    try:
        from seisnb.detector import detector_cnn
        return detector_cnn(), 'seisnb.detector.detector_cnn'
    except (ImportError, AttributeError):
        layers, c = [], 3
        for _ in range(7):
            layers += [nn.Conv1d(c, 32, 3, 2, 1), nn.ReLU()]
            c = 32
        return nn.Sequential(*layers, nn.Flatten(), nn.Linear(32 * 4, 32), nn.ReLU(),
                             nn.Linear(32, 1)), 'local copy'

def _t(f, clock) -> float:
    t0 = clock()
    f()
    return clock() - t0

def ratios(base, fs:dict, n=21, warm=2, clock=time.perf_counter) -> dict:
    "Interleave the baseline and each variant in shuffled order; median times and median per-round ratios."
    for _ in range(warm):
        base()
        [f() for f in fs.values()]
    fs = dict(fs, _base=base)
    tv, rng = {k: [] for k in fs}, random.Random(0)
    for _ in range(n):
        for k in rng.sample(list(fs), len(fs)): tv[k].append(_t(fs[k], clock))
    tb = tv.pop('_base')
    med = statistics.median
    return med(tb), {k: (med(v), med([a / b for a, b in zip(v, tb)])) for k, v in tv.items()}

def main(bs=256, threads=1):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model, src = detector_like()
    model.eval()
    x = torch.randn(bs, 3, 500)
    def fwd_bwd():
        model.zero_grad(set_to_none=True)
        model(x).sum().backward()
    variants = {name: (lambda kw=kw: lrp(model, x, **kw)) for name, kw in [
        ('epsilon', dict(rule='epsilon')), ('alpha-beta beta=0', dict(rule='alphabeta', beta=0.0)),
        ('alpha-beta beta=0.5', dict(rule='alphabeta', beta=0.5)),
        ('alpha-beta beta=1', dict(rule='alphabeta', beta=1.0))]}
    print(f'model: {src}; batch {bs} x 3 x 500; torch threads {torch.get_num_threads()}')
    for label, clock in (('wall', time.perf_counter), ('CPU', time.process_time)):
        base, res = ratios(fwd_bwd, variants, clock=clock)
        print(f'{label} time, forward + backward (weight gradients): {base*1e3:.1f} ms (median)')
        for name, (t, r) in res.items():
            verdict = 'ok' if r <= 3 else 'MISSED'
            print(f'  LRP {name:20s}: {t*1e3:7.1f} ms  ratio {r:.2f} (target <= 3) {verdict}')

if __name__ == '__main__': main(threads=int(sys.argv[1]) if len(sys.argv) > 1 else 1)
