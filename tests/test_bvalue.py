"""seisnb.bvalue: edge rules, properties on known-truth samples, vectorised forms, bad input, and a real-data check."""
import math, warnings
import numpy as np, pandas as pd
import pytest
from seisnb.bvalue import (b_aki, b_shi_bolt, b_positive, positive_differences, b_aki_from_sums, b_positive_from_sums,
                           mc_maxc, mc_gof, mc_gof_curve, MAG_EPS, LOG10E)
from seisnb.synth import gr_magnitudes

@pytest.mark.parametrize('b', [0.6, 0.8, 1.0, 1.2, 1.5])
def test_aki_unbiased_known_b(b):
    m = gr_magnitudes(100 * 10_000, b, 2.0, None, 0.1, rng=int(b * 10)).reshape(100, 10_000)
    est = b_aki_from_sums(10_000, m.sum(1), 2.0)
    assert abs(est.mean() - b) < 0.02
    assert abs(est.std() / (b / 100) - 1) < 0.25        # spread ~ b / sqrt(n)

@pytest.mark.parametrize('b', [0.8, 1.0, 1.2])
def test_continuous_no_correction_unbiased(b):
    m = gr_magnitudes(200_000, b, 1.0, None, None, rng=1)
    assert abs(b_aki(m, 1.0, dm=0, binning_correction=False) - b) < 0.015
    assert abs(b_positive(m, dm_min=0.05, dm=0, binning_correction=False) - b) < 0.03

def test_edge_rules():
    assert b_aki([], 2.0) == 0 and b_aki([2.5], 2.0) == 0 and b_aki([2.5, 2.5, 2.5], 2.0) == 0
    assert b_aki([2.0, 2.1], 2.0) == 2.0                      # clipped (raw value 4.3)
    assert b_aki([2.0, 2.1], 2.0, clip=None) > 4
    assert 0 <= b_aki(gr_magnitudes(3, 1.0, 2.0, None, 0.1, rng=0), 2.0) <= 2
    assert b_positive([]) == 0 and b_positive([3.0]) == 0 and b_positive([3.0, 3.4]) == 0
    assert b_positive([3.0, 3.0, 3.0, 3.0]) == 0 and b_positive([3.0, 3.3, 3.0, 3.3]) == 0
    assert b_positive([3.0, 3.1, 3.0, 3.1, 3.0, 3.4]) == 2.0
    # all returned values lie in [0, 2] for many tiny random sets
    rng = np.random.default_rng(0)
    for _ in range(300):
        m = np.round(rng.uniform(1, 4, rng.integers(0, 6)), 1)
        assert 0 <= b_aki(m, 1.0) <= 2 and 0 <= b_positive(m) <= 2

def test_shift_invariance():
    m = gr_magnitudes(5000, 1.1, 2.0, None, 0.1, rng=3)
    assert math.isclose(b_aki(m, 2.0), b_aki(m + 1.0, 3.0), rel_tol=1e-9)
    assert math.isclose(b_positive(m), b_positive(m + 1.0), rel_tol=1e-9)
    assert math.isclose(b_shi_bolt(m, 2.0), b_shi_bolt(m + 1.0, 3.0), rel_tol=1e-9)

def test_threshold_tolerates_float_noise():
    m = np.array([2.0, 2.1, 2.3]) - 1e-12
    assert math.isclose(b_aki(m, 2.0, clip=None), b_aki(np.array([2.0, 2.1, 2.3]), 2.0, clip=None), rel_tol=1e-9)
    assert len(positive_differences([1.0, 1.1 - 1e-12, 1.3])) == 2

def test_shi_bolt_matches_spread():
    rng = np.random.default_rng(5)
    reps = [gr_magnitudes(200, 1.0, 2.0, None, 0.1, rng) for _ in range(500)]
    bh = np.array([b_aki(m, 2.0, clip=None) for m in reps])
    se = np.array([b_shi_bolt(m, 2.0) for m in reps])
    assert abs(bh.std(ddof=1) / se.mean() - 1) < 0.15
    assert math.isnan(b_shi_bolt([2.0], 2.0))

def test_vectorised_equals_scalar():
    rng = np.random.default_rng(7)
    sets = [np.round(rng.uniform(1, 4, k), 1) for k in rng.integers(0, 40, 300)] + [np.full(4, 2.2), np.array([2.0, 2.0, 2.1])]
    for mc in (1.0, 2.0, 2.5):
        sel = [s[s >= mc - MAG_EPS] for s in sets]
        v = b_aki_from_sums([len(s) for s in sel], [s.sum() for s in sel], mc, sum_m2=[(s ** 2).sum() for s in sel])
        assert np.allclose(v, [b_aki(s, mc) for s in sets], atol=1e-12)
    for dmin in (0.1, 0.2):
        ds = [positive_differences(s, dmin) for s in sets]
        v = b_positive_from_sums([len(d) for d in ds], [d.sum() for d in ds], dmin, sum_d2=[(d ** 2).sum() for d in ds])
        assert np.allclose(v, [b_positive(s, dmin) for s in sets], atol=1e-12)

def test_mc_estimates_on_rolloff():
    from scipy.special import ndtr
    rng = np.random.default_rng(2)
    m = gr_magnitudes(40_000, 1.0, 1.0, None, 0.1, rng)
    m = m[rng.random(len(m)) < ndtr((m - 2.2) / 0.12)]       # complete from about 2.5
    assert 2.3 <= mc_maxc(m) <= 2.6
    assert 2.2 <= mc_gof(m, level=95) <= 2.6
    t, R = mc_gof_curve(m)
    assert len(t) == len(R) and R.max() <= 100

@pytest.mark.parametrize('call,exc,msg', [
    (lambda: b_aki([1, np.nan], 1.0), ValueError, 'non-finite'),
    (lambda: b_aki(['x'], 1.0), TypeError, 'numeric magnitudes'),
    (lambda: b_aki(np.ones((2, 3)), 1.0), ValueError, 'must be 1-D; got shape (2, 3)'),
    (lambda: b_aki([1, 2], float('inf')), ValueError, 'mc must be a finite magnitude'),
    (lambda: b_aki([1, 2], 1.0, dm=-0.1), ValueError, 'got -0.1'),
    (lambda: b_aki([1, 2], 1.0, dm='0.1'), ValueError, "got '0.1'"),
    (lambda: b_shi_bolt([1, np.inf], 1.0), ValueError, 'non-finite'),
    (lambda: b_positive([1, 2, 3], dm_min=-0.1), ValueError, 'dm_min must be a positive'),
    (lambda: b_positive([1, 2, 3], times=[3, 2, 1]), ValueError, 'time[1] is before time[0]'),
    (lambda: b_positive([1, 2, 3], times=[1, 2]), ValueError, 'expected (3,)'),
    (lambda: b_positive([1, 2, 3], times=pd.to_datetime(['2020-01-02', '2020-01-01', '2020-01-03'], utc=True)), ValueError, 'time[1] is before time[0]'),
    (lambda: mc_maxc([]), ValueError, 'at least one magnitude'),
    (lambda: mc_maxc([1, 2], dm=0), ValueError, 'positive bin width'),
    (lambda: mc_gof([1.0] * 10), ValueError, 'min_events=50'),
    (lambda: mc_gof([1.0] * 100, level=0), ValueError, 'percentage'),
])
def test_bad_input(call, exc, msg):
    with pytest.raises(exc) as e: call()
    assert msg in str(e.value), str(e.value)

def test_mc_gof_warns_when_no_fit():
    m = np.round(np.random.default_rng(0).uniform(1, 4, 1000), 1)
    with pytest.warns(UserWarning, match='no trial Mc reaches'): mc_gof(m, min_events=300)

def test_norcia_real(data_dir):
    from seisnb.catalog import read_gulia_wiemer
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        cat = read_gulia_wiemer(data_dir/'catalogs'/'norcia_gulia_wiemer_2019.txt')
    m = cat['mag'].to_numpy()
    assert len(cat) == 20836
    assert 1.1 <= mc_maxc(m) <= 1.6
    b = b_aki(m, 1.8)
    assert 0.7 < b < 1.3 and 0 < b_shi_bolt(m, 1.8) < 0.05
    assert 0.8 < b_positive(m, dm_min=0.2, times=cat['time']) < 1.4
    # after the Mw 6.5 (2016-10-30 06:40 UTC) the first-day Aki estimate at the catalog Mc collapses; b-positive much less
    t0 = pd.Timestamp('2016-10-30 06:40:18', tz='UTC')
    day = cat[(cat['time'] > t0) & (cat['time'] < t0 + pd.Timedelta(days=1))]
    assert len(day) > 300
    assert b_aki(day['mag'], 1.4) < b_positive(day['mag'], dm_min=0.2) - 0.2
