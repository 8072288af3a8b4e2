"""seisnb.bvalue beyond the notebook: a parametrized battery of bad inputs (each must raise a clear error naming what
was found and what was expected), the 0.01-resolution regression, and properties on many random sets."""
import math
import numpy as np, pandas as pd
import pytest
from seisnb.bvalue import (b_aki, b_tinti_mulargia, b_shi_bolt, b_positive, b_positive_exact, positive_differences,
                           b_aki_from_sums, b_positive_from_sums, mc_maxc, mc_gof, mc_gof_curve, mc_label,
                           bin_magnitudes, infer_delta_m, check_binning, MAG_EPS)
from seisnb.synth import gr_magnitudes

M = [3.0, 3.1, 3.3, 3.2, 3.0]                  # a small valid catalog at 0.1
T = pd.to_datetime(['2020-01-01', '2020-01-02', '2020-01-03', '2020-01-04', '2020-01-05'], utc=True)
M01 = [3.01, 3.12, 3.33, 3.2, 3.07]            # the same at 0.01
KT = dict(in_time_order=True)
TAB = pd.DataFrame(dict(time=T, mag=M))

BAD = [
    # magnitudes themselves
    ('nan', lambda: b_aki([1, np.nan], 1.0), ValueError, 'non-finite'),
    ('inf', lambda: b_tinti_mulargia([1, np.inf], 1.0), ValueError, 'non-finite'),
    ('strings', lambda: b_aki(['x'], 1.0), TypeError, 'numeric magnitudes'),
    ('2-D', lambda: b_aki(np.ones((2, 3)), 1.0), ValueError, 'must be 1-D; got shape (2, 3)'),
    ('span 1e12', lambda: b_aki([3.0, 1e12], 3.0), ValueError, 'outside the magnitude range'),
    ('span 1e12 maxc', lambda: mc_maxc([3.0, 1e12]), ValueError, 'outside the magnitude range'),
    ('-1e12 gof', lambda: mc_gof([-1e12] + [3.0] * 60), ValueError, 'outside the magnitude range'),
    ('dict', lambda: b_aki({'a': 1}, 1.0), (TypeError, ValueError), 'mags'),
    ('none mags', lambda: b_aki(None, 1.0), (TypeError, ValueError), 'mags'),
    # mc
    ('mc None', lambda: b_aki(M, None), ValueError, 'mc is required'),
    ('mc str', lambda: b_aki(M, '3.0'), TypeError, "got str '3.0'"),
    ('mc bool', lambda: b_aki(M, True), TypeError, 'got bool'),
    ('mc inf', lambda: b_aki(M, float('inf')), ValueError, 'finite magnitude'),
    ('mc nan', lambda: b_tinti_mulargia(M, float('nan')), ValueError, 'finite magnitude'),
    ('mc list', lambda: b_aki(M, [3.0]), TypeError, 'got list'),
    ('mc off grid', lambda: b_aki(M, 3.05, delta_m=0.1), ValueError, 'mc are not on the declared delta_m=0.1'),
    ('mc None shi-bolt', lambda: b_shi_bolt(M, None), ValueError, 'mc is required'),
    ('mc None tm', lambda: b_tinti_mulargia(M, None), ValueError, 'mc is required'),
    ('mc huge', lambda: b_aki(M, 1e12), ValueError, 'finite magnitude in'),
    ('mc str bpos', lambda: b_positive(M, mc='3', **KT), TypeError, "got str '3'"),
    # bin widths and off-grid magnitudes
    ('delta_m negative', lambda: b_aki(M, 3.0, delta_m=-0.1), ValueError, 'got -0.1'),
    ('delta_m str', lambda: b_aki(M, 3.0, delta_m='0.1'), ValueError, "got '0.1'"),
    ('delta_m nan', lambda: b_aki(M, 3.0, delta_m=float('nan')), ValueError, 'bin width'),
    ('delta_m > 1', lambda: b_aki(M, 3.0, delta_m=2.0), ValueError, 'in [0, 1]'),
    ('delta_m bool', lambda: b_aki(M, 3.0, delta_m=True), ValueError, 'got True'),
    ('0.01 as 0.1 aki', lambda: b_aki(M01, 3.0, delta_m=0.1), ValueError, 'found in the data is delta_m=0.01'),
    ('0.01 as 0.1 tm', lambda: b_tinti_mulargia(M01, 3.0, delta_m=0.1), ValueError, 'delta_m=0.01'),
    ('0.01 as 0.1 bpos', lambda: b_positive(M01, delta_m=0.1, **KT), ValueError, 'delta_m=0.01'),
    ('0.01 as 0.1 bpos exact', lambda: b_positive_exact(M01, delta_m=0.1, **KT), ValueError, 'delta_m=0.01'),
    ('0.01 as 0.1 maxc', lambda: mc_maxc(M01, delta_m=0.1), ValueError, 'declared delta_m=0.1 grid'),
    ('0.01 as 0.1 gof', lambda: mc_gof(M01 * 20, delta_m=0.1), ValueError, 'declared delta_m=0.1 grid'),
    ('0.01 as 0.1 shi-bolt', lambda: b_shi_bolt(M01, 3.0, delta_m=0.1), ValueError, 'delta_m=0.01'),
    ('continuous as 0.1', lambda: b_aki([3.0123, 3.4567], 3.0, 0.1), ValueError, 'found in the data is delta_m=0 (0 = continuous)'),
    ('check_binning names value', lambda: check_binning([3.0, 3.13], 0.1), ValueError, 'first at index 1: 3.13'),
    ('check_binning suggests binning', lambda: check_binning([3.13], 0.1), ValueError, 'bin_magnitudes(mags, 0.1)'),
    ('check_binning bad width', lambda: check_binning(M, -1), ValueError, 'bin width'),
    ('bin_magnitudes bad width', lambda: bin_magnitudes(M, 'a'), ValueError, "got 'a'"),
    ('bin_magnitudes nan', lambda: bin_magnitudes([np.nan]), ValueError, 'non-finite'),
    ('infer empty', lambda: infer_delta_m([]), ValueError, 'at least one magnitude'),
    ('infer nan', lambda: infer_delta_m([3.0, np.nan]), ValueError, 'non-finite'),
    ('dm and delta_m', lambda: b_aki(M, 3.0, delta_m=0.1, dm=0.1), ValueError, 'not both'),
    # b-positive: time order and thresholds
    ('bpos no times', lambda: b_positive(M), ValueError, 'defined on time order'),
    ('bpos exact no times', lambda: b_positive_exact(M), ValueError, 'defined on time order'),
    ('bpos times reversed', lambda: b_positive(M, times=T[::-1]), ValueError, 'time[1] is before time[0]'),
    ('bpos times numbers', lambda: b_positive([1, 2, 3], times=[3, 2, 1]), ValueError, 'time[1] is before time[0]'),
    ('bpos times short', lambda: b_positive(M, times=T[:2]), ValueError, 'expected (5,)'),
    ('bpos table unsorted', lambda: b_positive(TAB.iloc[::-1]), ValueError, 'time[1] is before time[0]'),
    ('bpos table no time', lambda: b_positive(TAB[['mag']]), ValueError, "lacks ['time']"),
    ('bpos table no mag', lambda: b_positive(TAB[['time']]), ValueError, "lacks ['mag']"),
    ('bpos tz strings', lambda: b_positive([1, 2, 3], times=pd.to_datetime(['2020-01-02', '2020-01-01', '2020-01-03'],
                                                                           utc=True)), ValueError, 'time[1]'),
    ('bpos dm_min negative', lambda: b_positive(M, dm_min=-0.1, **KT), ValueError, 'dm_min must be a positive'),
    ('bpos dm_min zero', lambda: b_positive(M, dm_min=0, **KT), ValueError, 'dm_min must be a positive'),
    ('bpos dm_min str', lambda: b_positive(M, dm_min='0.1', **KT), ValueError, "got '0.1'"),
    ('bpos dm_min off grid', lambda: b_positive(M, 0.15, 0.1, **KT), ValueError, 'dm_min are not on the declared'),
    ('bpos exact dm_min off grid', lambda: b_positive_exact(M, 0.25, 0.1, **KT), ValueError, 'dm_min'),
    ('bpos nan mags', lambda: b_positive([3.0, np.nan], **KT), ValueError, 'non-finite'),
    # completeness
    ('maxc empty', lambda: mc_maxc([]), ValueError, 'at least one magnitude'),
    ('maxc zero width', lambda: mc_maxc([1.0, 2.0], delta_m=0), ValueError, 'positive bin width'),
    ('maxc continuous', lambda: mc_maxc([1.0123, 2.4567, 1.3579]), ValueError, 'bin them first'),
    ('maxc bad label', lambda: mc_maxc(M, correction='max'), ValueError, "unknown Mc variant 'max'"),
    ('maxc str correction', lambda: mc_label('maxc+0.2'), ValueError, 'expected one of'),
    ('maxc too many bins', lambda: mc_maxc([-9.0, 14.999], delta_m=0.0001), ValueError, 'bins of 0.0001'),
    ('gof few', lambda: mc_gof([1.0] * 10), ValueError, 'min_events=50'),
    ('gof level 0', lambda: mc_gof([1.0] * 100, level=0), ValueError, 'percentage'),
    ('gof level 100', lambda: mc_gof([1.0] * 100, level=100), ValueError, 'percentage'),
    ('gof empty', lambda: mc_gof_curve([]), ValueError, 'empty'),
    # vectorised forms
    ('sums delta_m None', lambda: b_aki_from_sums([10], [30.], 3.0, delta_m=None), ValueError, 'bin width'),
    ('sums delta_m negative', lambda: b_positive_from_sums([10], [3.], delta_m=-1), ValueError, 'bin width'),
]

@pytest.mark.parametrize('name,call,exc,msg', BAD, ids=[b[0] for b in BAD])
def test_bad_input(name, call, exc, msg):
    with pytest.raises(exc) as e: call()
    assert msg in str(e.value), str(e.value)

def test_battery_size():
    assert len(BAD) >= 60, len(BAD)

@pytest.mark.parametrize('b', [0.8, 1.0, 1.2])
def test_centi_magnitudes_inferred_not_low(b):
    "Magnitudes at 0.01 were 5-11 % low with the old fixed 0.1 binning; inferred, they are right."
    m = gr_magnitudes(100_000, b, 2.0, None, 0.01, rng=int(b * 10))
    assert infer_delta_m(m) == 0.01
    se = b / math.sqrt(len(m))
    for f in (b_aki, b_tinti_mulargia):
        assert abs(f(m, 2.0) - b) < 4 * se + 0.002, f.__name__
    assert abs(b_positive(m, dm_min=0.1, **KT) - b) < 0.03
    assert abs(b_positive_exact(m, dm_min=0.1, **KT) - b) < 0.03
    assert abs(mc_maxc(m, correction=0) - 2.0) < 1e-9

def test_binning_rule_half_up_and_tolerance():
    x = np.array([3.05, 3.0499999999999998, 3.0500001, 3.0499, 3.15, 3.25, -0.05, -0.15, 2.95])
    assert bin_magnitudes(x).tolist() == [3.1, 3.1, 3.1, 3.0, 3.2, 3.3, 0.0, -0.1, 3.0]
    assert bin_magnitudes(np.float32([3.05, 3.15]), 0.1).tolist() == [3.1, 3.2]
    assert mc_maxc([3.05, 3.05, 3.1, 2.9], delta_m=0.05, correction=0) == 3.05
    m = bin_magnitudes(np.random.default_rng(0).uniform(1, 5, 10_000), 0.1)
    assert infer_delta_m(m) == 0.1 and check_binning(m, 0.1) is not None

@pytest.mark.parametrize('b', [0.8, 1.2])
def test_continuous_no_correction_unbiased(b):
    m = gr_magnitudes(200_000, b, 1.0, None, None, rng=1)
    assert infer_delta_m(m) == 0.0
    assert abs(b_aki(m, 1.0, binning_correction=False) - b) < 0.015
    assert abs(b_tinti_mulargia(m, 1.0) - b) < 0.015               # delta_m = 0: Aki
    assert abs(b_positive(m, dm_min=0.05, binning_correction=False, **KT) - b) < 0.03

def test_edge_rules_on_random_tiny_sets():
    rng = np.random.default_rng(0)
    for _ in range(300):
        m = np.round(rng.uniform(1, 4, rng.integers(0, 6)), 1)
        for f in (b_aki, b_tinti_mulargia):
            assert 0 <= f(m, 1.0, 0.1) <= 2 and math.isnan(f(m[:1], 1.0, 0.1, undefined=np.nan))
        assert 0 <= b_positive(m, delta_m=0.1, **KT) <= 2 and 0 <= b_positive_exact(m, delta_m=0.1, **KT) <= 2

def test_shift_invariance():
    m = gr_magnitudes(5000, 1.1, 2.0, None, 0.1, rng=3)
    assert math.isclose(b_aki(m, 2.0), b_aki(m + 1.0, 3.0), rel_tol=1e-9)
    assert math.isclose(b_tinti_mulargia(m, 2.0), b_tinti_mulargia(m + 1.0, 3.0), rel_tol=1e-9)
    assert math.isclose(b_positive(m, **KT), b_positive(m + 1.0, **KT), rel_tol=1e-9)
    assert math.isclose(b_shi_bolt(m, 2.0), b_shi_bolt(m + 1.0, 3.0), rel_tol=1e-9)

def test_threshold_tolerates_float_noise():
    m = np.array([2.0, 2.1, 2.3]) - 1e-12
    assert math.isclose(b_aki(m, 2.0, clip=None), b_aki(np.array([2.0, 2.1, 2.3]), 2.0, clip=None), rel_tol=1e-9)
    assert len(positive_differences([1.0, 1.1 - 1e-12, 1.3])) == 2

def test_vectorised_equals_scalar():
    rng = np.random.default_rng(7)
    sets = [np.round(rng.uniform(1, 4, k), 1) for k in rng.integers(0, 40, 300)]
    sets += [np.full(4, 2.2), np.array([2.0, 2.0, 2.1])]
    for mc in (1.0, 2.0, 2.5):
        sel = [s[s >= mc - MAG_EPS] for s in sets]
        n, s1, s2 = [len(s) for s in sel], [s.sum() for s in sel], [(s ** 2).sum() for s in sel]
        assert np.allclose(b_aki_from_sums(n, s1, mc, sum_m2=s2), [b_aki(s, mc, 0.1) for s in sets], atol=1e-12)
        assert np.allclose(b_aki_from_sums(n, s1, mc, sum_m2=s2, exact=True),
                           [b_tinti_mulargia(s, mc, 0.1) for s in sets], atol=1e-12)
    for dmin in (0.1, 0.2):
        ds = [positive_differences(s, dmin) for s in sets]
        n, s1, s2 = [len(d) for d in ds], [d.sum() for d in ds], [(d ** 2).sum() for d in ds]
        assert np.allclose(b_positive_from_sums(n, s1, dmin, sum_d2=s2),
                           [b_positive(s, dmin, 0.1, **KT) for s in sets], atol=1e-12)
        assert np.allclose(b_positive_from_sums(n, s1, dmin, sum_d2=s2, exact=True),
                           [b_positive_exact(s, dmin, 0.1, **KT) for s in sets], atol=1e-12)

def test_deprecated_dm_keyword():
    with pytest.warns(DeprecationWarning, match='renamed delta_m'):
        assert mc_maxc([1.0, 1.1, 1.1], dm=0.1, correction=0) == 1.1
