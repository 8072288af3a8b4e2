"""Bad-input battery for seisnb.catalog and seisnb.magnitudes: every malformed input named in issues 2 and 14 gets a
clear error that names the file, line (or row), column, value found and value expected, or, where dropping/sorting is
the documented behaviour, a report of how many and why."""
import csv, io, re, warnings
from pathlib import Path
import numpy as np, pandas as pd
import pytest
from seisnb.magnitudes import homogenize_magnitudes, to_mw, PRIORITY_MW
from seisnb.catalog import (CatalogError, CatalogWarning, read_csv_catalog, read_comcat_csv, read_fdsn_text, read_quakeml,
                            read_gulia_wiemer, read_japan_usgs, validate_catalog, write_fdsn_text, filter_catalog,
                            read_earthquakenpp, read_catalog, catalog_summary, wrap_lon)

COMCAT_HEAD = 'time,latitude,longitude,depth,mag,magType,id,place'
COMCAT_ROWS = ['2011-03-11T05:46:24.120Z,38.297,142.373,29,9.1,mww,ev1,"Tohoku, Japan"',
               '2011-03-11T06:15:40.280Z,36.281,141.111,42.6,7.9,mww,ev2,"Honshu, Japan"',
               '2011-03-11T06:25:50.300Z,38.106,144.553,18.6,7.7,mww,ev3,"off Honshu, Japan"']
FDSN_HEAD = '#EventID|Time|Latitude|Longitude|Depth/km|Author|Catalog|Contributor|ContributorID|MagType|Magnitude|MagAuthor|EventLocationName'
FDSN_ROWS = ['e1|2011-03-11T05:46:24.120|38.297|142.373|29.0|ISC|ISC|ISC|e1|Mw|9.1|GCMT|Honshu',
             'e2|2011-03-11T06:15:40.280|36.281|141.111|42.6|ISC|ISC|ISC|e2|MS|7.6|ISC|Honshu',
             'e3|2011-03-11T06:25:50.300|38.106|144.553|18.6|ISC|ISC|ISC|e3|mb|6.0|ISC|Honshu']
GW_ROWS = ['13.1242 42.7112 1981.5694 7 27 2.4 10.0 19 33 31.71 2.69',
           '13.1850 42.7860 2004.0129 1 5 2.2 10.0 17 18 60.00 2.20',
           '13.1100 42.8300 2016.8286 10 30 6.5 9.2 6 40 17.00 0.21']

def comcat(tmp_path, rows=COMCAT_ROWS, head=COMCAT_HEAD, name='cc.csv'):
    p = tmp_path/name; p.write_text('\n'.join([head, *rows]) + '\n'); return p

def fdsn(tmp_path, rows=FDSN_ROWS, head=FDSN_HEAD, name='ev.txt'):
    p = tmp_path/name; p.write_text('\n'.join([head, *rows]) + '\n'); return p

def gw(tmp_path, rows=GW_ROWS, name='gw.txt'):
    p = tmp_path/name; p.write_text('\n'.join(rows) + '\n'); return p

def edit(rows, i, col, val, sep=','):
    "Copy of `rows` with field `col` of row `i` replaced (quoting kept as csv writes it)."
    rows = list(rows)
    f = next(csv.reader(io.StringIO(rows[i]), delimiter=sep)); f[col] = val
    out = io.StringIO(); csv.writer(out, delimiter=sep, lineterminator='').writerow(f); rows[i] = out.getvalue()
    return rows

def test_good_inputs_read(tmp_path):
    "The unedited fixtures are valid, so every failure below is caused by the one edit it makes."
    assert len(read_comcat_csv(comcat(tmp_path))) == 3
    assert len(read_fdsn_text(fdsn(tmp_path))) == 3
    with warnings.catch_warnings():
        warnings.simplefilter('error')   # no year-boundary fix or sorting needed: no warning at all
        assert len(read_gulia_wiemer(gw(tmp_path))) == 3

# --- 1. empty file -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize('reader', [read_comcat_csv, read_fdsn_text, read_gulia_wiemer, read_quakeml, read_japan_usgs,
                                    lambda p: read_csv_catalog(p, columns={})])
@pytest.mark.parametrize('content', ['', '\n\n  \n'])
def test_empty_file(tmp_path, reader, content):
    p = tmp_path/'empty.txt'; p.write_text(content)
    with pytest.raises(CatalogError, match=r'empty.txt: file is empty \(\d+ bytes\); expected a (header line|QuakeML)'): reader(p)

def test_header_only(tmp_path):
    with pytest.raises(CatalogError, match='header but no events'): read_comcat_csv(comcat(tmp_path, rows=[]))
    with pytest.raises(CatalogError, match='header but no events'): read_fdsn_text(fdsn(tmp_path, rows=[]))

# --- 2. missing required column -------------------------------------------------------------------------------------
def test_missing_column_csv(tmp_path):
    rows = [','.join(r.split(',')[:4] + r.split(',')[5:]) for r in COMCAT_ROWS]  # drop 'mag'
    p = comcat(tmp_path, rows=rows, head='time,latitude,longitude,depth,magType,id,place')
    with pytest.raises(CatalogError, match=r"cc.csv: missing required column\(s\) \['mag'\]; found columns \['time', 'latitude'") as e: read_comcat_csv(p)
    assert e.value.column == 'mag'

def test_missing_column_fdsn(tmp_path):
    head = FDSN_HEAD.replace('|Magnitude|', '|Mag|')
    with pytest.raises(CatalogError, match=r"header lacks \['magnitude'\]"): read_fdsn_text(fdsn(tmp_path, head=head))

def test_missing_column_mapping_and_fill(tmp_path):
    p = comcat(tmp_path)
    with pytest.raises(CatalogError, match="fill=.*'depth_km'.*already has a column"):
        read_csv_catalog(p, columns={'depth': 'depth_km', 'magType': 'mag_type', 'id': 'event_id'}, fill={'depth_km': 0.})
    with pytest.raises(CatalogError, match=r"missing required column\(s\) \['depth_km', 'mag_type', 'event_id'\]"): read_csv_catalog(p)

# --- 3. unparseable time ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize('bad', ['2011-03-32T05:46:24Z', '11/03/2011 05:46', 'yesterday', ''])
def test_unparseable_time_csv(tmp_path, bad):
    p = comcat(tmp_path, rows=edit(COMCAT_ROWS, 1, 0, bad))
    with pytest.raises(CatalogError, match=r"cc.csv: column 'time', unparseable time at line 3: ") as e: read_comcat_csv(p)
    assert e.value.rows == [3] and e.value.column == 'time'

def test_unparseable_time_fdsn(tmp_path):
    p = fdsn(tmp_path, rows=edit(FDSN_ROWS, 2, 1, '2011-03-11T25:61:00', sep='|'))
    with pytest.raises(CatalogError, match=r"column 'time', unparseable time at line 4: '2011-03-11T25:61:00'"): read_fdsn_text(p)

def test_invalid_date_gulia_wiemer(tmp_path):
    rows = list(GW_ROWS); rows[1] = rows[1].replace('2004.0129 1 5', '2004.0129 2 30')
    with pytest.raises(CatalogError, match=r"column 'month/day', invalid date at line 2: '2/30'"): read_gulia_wiemer(gw(tmp_path, rows))

def test_decimal_year_mismatch(tmp_path):
    rows = list(GW_ROWS); rows[2] = rows[2].replace('2016.8286', '2016.5000')
    with pytest.raises(CatalogError, match=r"'decimal_year', decimal year disagrees with the date components at line 3: 2016.5"): read_gulia_wiemer(gw(tmp_path, rows))

# --- 4. latitude / longitude out of range -----------------------------------------------------------------------------
@pytest.mark.parametrize('col,val,name', [(1, '95.2', 'latitude'), (1, '-90.5', 'latitude'), (2, '400.0', 'longitude'), (2, '-361', 'longitude')])
def test_coordinates_out_of_range(tmp_path, col, val, name):
    p = comcat(tmp_path, rows=edit(COMCAT_ROWS, 2, col, val))
    with pytest.raises(CatalogError, match=rf"column '{name}', value out of range at line 4: {re.escape(str(float(val)).rstrip('0').rstrip('.'))}.*expected a value in \[-\d+, \d+\] degrees"):
        read_comcat_csv(p)

def test_coordinates_gulia_wiemer(tmp_path):
    rows = list(GW_ROWS); rows[0] = rows[0].replace('42.7112', '142.7112')
    with pytest.raises(CatalogError, match=r"'latitude', value out of range at line 1: 142.711"): read_gulia_wiemer(gw(tmp_path, rows))

# --- 5. NaN or non-numeric magnitude ----------------------------------------------------------------------------------
def test_missing_magnitude(tmp_path):
    p = comcat(tmp_path, rows=edit(COMCAT_ROWS, 0, 4, ''))
    with pytest.raises(CatalogError, match=r"column 'mag', missing value at line 2: nan; expected a number"): read_comcat_csv(p)
    with pytest.warns(CatalogWarning, match='dropped 1 events without a magnitude'):
        c = read_comcat_csv(p, missing_mag='drop')
    assert len(c) == 2 and c.attrs['report']['n_missing_mag_dropped'] == 1

@pytest.mark.parametrize('bad', ['4.5M', 'M7', 'n/a', '7,9'])
def test_non_numeric_magnitude(tmp_path, bad):
    p = fdsn(tmp_path, rows=edit(FDSN_ROWS, 1, 10, bad, sep='|'))
    with pytest.raises(CatalogError, match=rf"column 'mag', non-numeric value at line 3: '{re.escape(bad)}'"): read_fdsn_text(p)

def test_absurd_magnitude(tmp_path):
    p = comcat(tmp_path, rows=edit(COMCAT_ROWS, 1, 4, '12.5'))
    with pytest.raises(CatalogError, match=r"column 'mag', value out of range at line 3: 12.5; expected a value in \[-3, 10\]"): read_comcat_csv(p)

def test_non_numeric_gulia_wiemer(tmp_path):
    rows = list(GW_ROWS); rows[1] = rows[1].replace(' 2.2 ', ' x2.2 ')
    with pytest.raises(CatalogError, match=r"column 'mag', missing or non-numeric value at line 2: 'x2.2'"): read_gulia_wiemer(gw(tmp_path, rows))

# --- 6. unknown magnitude type -----------------------------------------------------------------------------------------
def test_unknown_magnitude_type(tmp_path):
    cat = read_fdsn_text(fdsn(tmp_path, rows=edit(FDSN_ROWS, 1, 9, 'Mx', sep='|')))
    with pytest.raises(CatalogError, match=r"column 'mag_type', unknown magnitude type\(s\) \{'Mx': 1\} at row 1 \(event 'e2'\): 'Mx'"): homogenize_magnitudes(cat)
    with pytest.warns(CatalogWarning, match=r"1 of 3 events dropped: 1 with only unknown types \{'Mx': 1\} \(unknown='drop'; keep them with type_map="):
        h = homogenize_magnitudes(cat, unknown='drop', priority=PRIORITY_MW)
    assert h.event_id.tolist() == ['e1', 'e3'] and h.attrs['report']['unknown_types_dropped'] == {'Mx': 1}
    with pytest.raises(CatalogError, match=r"unknown magnitude type\(s\) \['Mx'\]"): to_mw(5.0, 'Mx')

def test_missing_magnitude_type(tmp_path):
    p = fdsn(tmp_path, rows=edit(FDSN_ROWS, 0, 9, '', sep='|'))
    with pytest.raises(CatalogError, match=r"column 'mag_type', missing value at line 2"): read_fdsn_text(p)

def test_out_of_range_magnitude_rule(tmp_path):
    cat = read_fdsn_text(fdsn(tmp_path, rows=edit(FDSN_ROWS, 1, 10, '8.5', sep='|')))  # MS 8.5 > 8.0
    with pytest.raises(CatalogError, match=r"outside the relation's validity range at row 1 \(event 'e2'\): 8.5 MS"): homogenize_magnitudes(cat, out_of_range='raise')
    with pytest.warns(CatalogWarning, match=r"outside the relations' validity ranges, by type \{'Ms': 1\} \(out_of_range='drop'"):
        assert len(homogenize_magnitudes(cat, out_of_range='drop', priority=PRIORITY_MW)) == 2
    assert homogenize_magnitudes(cat, priority=PRIORITY_MW).mw_extrapolated.tolist() == [False, True, False]

# --- 7. negative or absurd depth ---------------------------------------------------------------------------------------
@pytest.mark.parametrize('val', ['-12', '-5.5', '1200', '9999'])
def test_bad_depth(tmp_path, val):
    p = comcat(tmp_path, rows=edit(COMCAT_ROWS, 1, 3, val))
    with pytest.raises(CatalogError, match=rf"column 'depth_km', value out of range at line 3: {val}.*expected a value in \[-5, 800\] km"): read_comcat_csv(p)

def test_slightly_negative_depth_is_allowed(tmp_path):
    "Depths are below sea level; ComCat gives small negative depths for events under high topography."
    assert read_comcat_csv(comcat(tmp_path, rows=edit(COMCAT_ROWS, 1, 3, '-1.2'))).depth_km[1] == -1.2

def test_bad_depth_gulia_wiemer(tmp_path):
    rows = list(GW_ROWS); rows[2] = rows[2].replace(' 9.2 ', ' -40.0 ')
    with pytest.raises(CatalogError, match=r"'depth_km', value out of range at line 3: -40"): read_gulia_wiemer(gw(tmp_path, rows))

# --- 8. duplicated event ids -------------------------------------------------------------------------------------------
def test_duplicated_ids(tmp_path):
    p = comcat(tmp_path, rows=edit(COMCAT_ROWS, 2, 6, 'ev1'))
    with pytest.raises(CatalogError, match=r"column 'event_id', 1 ids repeated with different values: 'ev1' at line 2, line 4: time .* vs .*mag 9.1 vs 7.7"): read_comcat_csv(p)
    with pytest.raises(CatalogError, match=r"column 'event_id', duplicated ids: 'ev1' at line 2, line 4; expected unique event ids"): read_comcat_csv(p, duplicates='raise')
    with pytest.warns(CatalogWarning, match=r"1 ids repeated with different values resolved by duplicates='keep_first' \(1 rows dropped\)"):
        c = read_comcat_csv(p, duplicates='keep_first')
    assert c.event_id.tolist() == ['ev1', 'ev2'] and c.attrs['report']['n_conflict_rows_dropped'] == 1

# --- 9. unsorted times -------------------------------------------------------------------------------------------------
def test_unsorted_times(tmp_path):
    rows = [COMCAT_ROWS[2], COMCAT_ROWS[0], COMCAT_ROWS[1]]
    with pytest.warns(CatalogWarning, match='1 rows were earlier than the row before them; the catalog was sorted'):
        c = read_comcat_csv(comcat(tmp_path, rows=rows))
    assert c.event_id.tolist() == ['ev1', 'ev2', 'ev3'] and c.attrs['report']['n_out_of_order'] == 1
    with pytest.raises(CatalogError, match=r"column 'time', earlier than the row before at line 3"): read_comcat_csv(comcat(tmp_path, rows=rows), unsorted='raise')

def test_unsorted_gulia_wiemer(tmp_path):
    with pytest.warns(CatalogWarning, match='sorted'):
        c = read_gulia_wiemer(gw(tmp_path, rows=GW_ROWS[::-1]))
    assert c.attrs['report']['n_out_of_order'] == 2 and c.mag.tolist() == [2.4, 2.2, 6.5]

# --- 10. wrong delimiter -----------------------------------------------------------------------------------------------
def test_wrong_delimiter_csv(tmp_path):
    p = comcat(tmp_path, rows=[r.replace(',', ';') for r in COMCAT_ROWS], head=COMCAT_HEAD.replace(',', ';'))
    with pytest.raises(CatalogError, match=r"looks ';'-delimited, but sep=',' was used \(wrong delimiter\?\)"): read_comcat_csv(p)
    p = comcat(tmp_path, rows=[r.replace(',', '\t') for r in COMCAT_ROWS], head=COMCAT_HEAD.replace(',', '\t'))
    with pytest.raises(CatalogError, match='looks tab-delimited'): read_comcat_csv(p)

def test_wrong_delimiter_fdsn(tmp_path):
    p = fdsn(tmp_path, rows=[r.replace('|', ',') for r in FDSN_ROWS], head=FDSN_HEAD.replace('|', ','))
    with pytest.raises(CatalogError, match=r"line 1 is '#EventID,Time.*expected the FDSN text header.*looks ','-delimited"): read_fdsn_text(p)

def test_wrong_delimiter_gulia_wiemer(tmp_path):
    p = gw(tmp_path, rows=[r.replace(' ', ',') for r in GW_ROWS])
    with pytest.raises(CatalogError, match=r"line 1 has 1 whitespace-separated field\(s\); expected 11.*looks ','-delimited"): read_gulia_wiemer(p)

def test_ragged_lines(tmp_path):
    with pytest.raises(CatalogError, match=r"wrong number of fields at line 3: 12; expected 13 '\|'-separated fields"):
        read_fdsn_text(fdsn(tmp_path, rows=[FDSN_ROWS[0], FDSN_ROWS[1].replace('|ISC|ISC|', '|ISC|', 1), FDSN_ROWS[2]]))
    with pytest.raises(CatalogError, match=r"wrong number of fields \(truncated or extra fields\) at line 3: 9; expected 8 ','-separated"):
        read_comcat_csv(comcat(tmp_path, rows=[COMCAT_ROWS[0], COMCAT_ROWS[1] + ',extra', COMCAT_ROWS[2]]))
    with pytest.raises(CatalogError, match=r"column 'distance', missing or non-numeric value at line 2"):
        read_gulia_wiemer(gw(tmp_path, rows=[GW_ROWS[0], GW_ROWS[1].rsplit(' ', 1)[0], GW_ROWS[2]]))

# --- 11. non-UTF-8 file ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize('reader,make', [(read_comcat_csv, comcat), (read_fdsn_text, fdsn)])
def test_non_utf8(tmp_path, reader, make):
    p = make(tmp_path)
    txt = p.read_text().splitlines(); txt[2] = txt[2].replace('Honshu', 'Honshû')
    p.write_bytes(('\n'.join(txt) + '\n').encode('latin-1'))
    col = txt[2].index('û') + 1
    with pytest.raises(CatalogError, match=rf"line 3, character {col}: byte b'\\xfb' is not valid utf-8; expected utf-8 text") as e: reader(p)
    assert e.value.rows == [3]
    assert 'Honshû' in ''.join(reader(p, encoding='latin-1').iloc[:, -1].astype(str))  # readable when the encoding is named

def test_non_utf8_whitespace(tmp_path):
    p = tmp_path/'gw.txt'; p.write_bytes(('\n'.join(GW_ROWS) + '\n').encode() + b'\xff\xfe 1 2\n')
    with pytest.raises(CatalogError, match=r"line 4, character 1: byte b'\\xff' is not valid utf-8"): read_gulia_wiemer(p)

# --- QuakeML specifics -------------------------------------------------------------------------------------------------
def test_quakeml_garbage(tmp_path):
    p = tmp_path/'bad.xml'; p.write_text('<?xml version="1.0"?><notquakeml/>')
    with pytest.raises(CatalogError, match=r'bad.xml: root element is <notquakeml>; expected <q:quakeml>'): read_quakeml(p)

def test_quakeml_event_without_origin(tmp_path):
    from obspy.core.event import Catalog, Event, Magnitude
    p = tmp_path/'noorigin.xml'; Catalog(events=[Event(magnitudes=[Magnitude(mag=5.0, magnitude_type='mb')])]).write(str(p), format='QUAKEML')
    with pytest.raises(CatalogError, match=r'event 0 \(.*\) has no origin'): read_quakeml(p)

# --- DataFrames handed to validate_catalog directly: rows instead of lines -------------------------------------------
def test_validate_dataframe_rows():
    df = pd.DataFrame(dict(time=['2011-03-11T05:46:24'] * 2, latitude=[38., 38.], longitude=[142., 142.], depth_km=[10., 10.],
                           mag=[5., 'five'], mag_type=['Mw', 'Mw'], event_id=['a', 'b']))
    with pytest.raises(CatalogError, match=r"column 'mag', non-numeric value at row 1: 'five'"): validate_catalog(df)
    with pytest.raises(CatalogError, match=r"no events"): validate_catalog(df.iloc[:0])

# =====================================================================================================================
# Issue 14: the classes of bad input a real catalog from another network brings. Each case builds its input in
# tmp_path and names the exception type and a fragment of the message (file, line, column, value, expectation).
# =====================================================================================================================
NPP_HEAD = 'id,time,longitude,latitude,magnitude,x,y'
NPP_ROWS = ['0,1990-01-01 09:03:12.880,140.568,36.417,4.8,204.1,90.8', '1,1990-01-02 16:26:37.730,146.063,43.42,4.6,1000.6,527.4']
SEMI = 'evid;origin_time;lat;lon;z_km;magnitude;scale'
SEMI_ROWS = ['a1;2019-07-04T17:33:49Z;35.70;-117.50;10.5;6.4;Mw', 'a2;2019-07-06T03:19:53Z;35.77;-117.60;8.0;7.1;Mw']
SEMI_COLS = {'evid': 'event_id', 'origin_time': 'time', 'lat': 'latitude', 'lon': 'longitude', 'z_km': 'depth_km',
             'magnitude': 'mag', 'scale': 'mag_type'}
EX = Path(__file__).resolve().parents[1]/'data'/'examples'

def write(tmp_path, name, text, enc='utf-8'):
    p = tmp_path/name; p.write_bytes(text.encode(enc)); return p

def npp(tmp_path, rows=NPP_ROWS, head=NPP_HEAD):
    return write(tmp_path, 'npp.csv', '\n'.join([head, *rows]) + '\n')

def semi(tmp_path, rows=SEMI_ROWS, head=SEMI):
    return write(tmp_path, 'semi.csv', '\n'.join([head, *rows]) + '\n')

def quiet(f, *a, **k):
    "Call f with CatalogWarnings silenced (the depth-less Japan layout warns on every read)."
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', CatalogWarning)
        return f(*a, **k)

def qml(tmp_path, events=None, name='q.xml'):
    "A QuakeML file written by ObsPy from (time, lat, lon, depth_m, [(mag, type), ...]) tuples."
    from obspy import UTCDateTime
    from obspy.core.event import Catalog, Event, Origin, Magnitude
    events = events or [('2016-10-30T06:40:17', 42.83, 13.11, 9200., [(6.5, 'Mw'), (6.1, 'ML')])]
    evs = []
    for t, la, lo, z, mags in events:
        o = Origin(time=None if t is None else UTCDateTime(t), latitude=la, longitude=lo, depth=z)
        evs.append(Event(origins=[o], magnitudes=[Magnitude(mag=m, magnitude_type=mt) for m, mt in mags]))
    p = tmp_path/name; Catalog(events=evs).write(str(p), format='QUAKEML'); return p

def gw_line(i=0, **edit):
    f = GW_ROWS[i].split()
    for k, v in edit.items(): f[['lon', 'lat', 'dec', 'month', 'day', 'mag', 'depth', 'hour', 'minute', 'second', 'dist'].index(k)] = v
    return ' '.join(f)

def trailing(rows, sep=','): return [r + sep for r in rows]

def quakeml_text(tmp_path, **kw): return qml(tmp_path, **kw).read_text()

# --- time outside what datetime64[ns] holds, in every reader -----------------------------------------------------------
T_OOR = [('1600-01-01T00:00:00Z', 'line 3'), ('2300-06-01T00:00:00Z', 'line 3'), ('1677-01-01T00:00:00Z', 'line 3')]
@pytest.mark.parametrize('t,where', T_OOR)
def test_time_range_comcat(tmp_path, t, where):
    with pytest.raises(CatalogError, match=rf"cc.csv: column 'time', time out of range at {where}: '{t}'; expected a time between 1677-09-22 and 2262-04-11"):
        read_comcat_csv(comcat(tmp_path, rows=edit(COMCAT_ROWS, 1, 0, t)))

@pytest.mark.parametrize('t', ['1500-03-11T05:46:24', '2500-01-01T00:00:00'])
def test_time_range_fdsn(tmp_path, t):
    with pytest.raises(CatalogError, match=rf"ev.txt: column 'time', time out of range at line 2: '{t}'"):
        read_fdsn_text(fdsn(tmp_path, rows=edit(FDSN_ROWS, 0, 1, t, sep='|')))

@pytest.mark.parametrize('t', ['1650-01-01 00:00:00', '2263-01-01 00:00:00'])
def test_time_range_earthquakenpp(tmp_path, t):
    with pytest.raises(CatalogError, match=rf"npp.csv: column 'time', time out of range at line 3: '{t}'"):
        quiet(read_japan_usgs, npp(tmp_path, rows=edit(NPP_ROWS, 1, 1, t)))

def test_time_range_generic_csv(tmp_path):
    with pytest.raises(CatalogError, match=r"semi.csv: column 'time', time out of range at line 2: '1492-10-12T00:00:00Z'"):
        read_csv_catalog(semi(tmp_path, rows=edit(SEMI_ROWS, 0, 1, '1492-10-12T00:00:00Z', sep=';')), sep=';', columns=SEMI_COLS)

@pytest.mark.parametrize('dec', ['1500.5000', '2300.1000'])
def test_time_range_gulia_wiemer(tmp_path, dec):
    with pytest.raises(CatalogError, match=rf"gw.txt: column 'decimal_year', time out of range at line 1: {dec.rstrip('0').rstrip('.')}"):
        read_gulia_wiemer(gw(tmp_path, rows=[gw_line(0, dec=dec), *GW_ROWS[1:]]))

@pytest.mark.parametrize('t', ['1500-01-01T00:00:00', '2300-01-01T00:00:00'])
def test_time_range_quakeml(tmp_path, t):
    with pytest.raises(CatalogError, match=r"q.xml: column 'time', time out of range at row 0: '(1500|2300)-01-01T00:00:00"):
        read_quakeml(qml(tmp_path, events=[(t, 42.8, 13.1, 9000., [(5.0, 'Mw')])]))

def test_time_range_dataframe():
    df = pd.DataFrame(dict(time=['2011-03-11', '1200-01-01'], latitude=[38., 38.], longitude=[142., 142.], depth_km=[10., 10.],
                           mag=[5., 5.], mag_type=['Mw', 'Mw'], event_id=['a', 'b']))
    with pytest.raises(CatalogError, match=r"column 'time', time out of range at row 1: '1200-01-01'"): validate_catalog(df)

# --- a delimiter ending every line ------------------------------------------------------------------------------------
@pytest.mark.parametrize('make,reader', [
    (lambda p: comcat(p, rows=trailing(COMCAT_ROWS)), read_comcat_csv),
    (lambda p: npp(p, rows=trailing(NPP_ROWS)), lambda f: quiet(read_japan_usgs, f)),
    (lambda p: semi(p, rows=trailing(SEMI_ROWS, ';')), lambda f: read_csv_catalog(f, sep=';', columns=SEMI_COLS)),
    (lambda p: fdsn(p, rows=trailing(FDSN_ROWS, '|')), read_fdsn_text)])
def test_trailing_delimiter(tmp_path, make, reader):
    with pytest.raises(CatalogError, match=r"every data line ends with a trailing '[,;|]' \(\d+ fields, the last empty.*trailing_sep='ignore'"):
        reader(make(tmp_path))

def test_trailing_delimiter_ignore_reads_right(tmp_path):
    a = read_comcat_csv(comcat(tmp_path, rows=trailing(COMCAT_ROWS)), trailing_sep='ignore')
    assert a.time.tolist() == read_comcat_csv(comcat(tmp_path, name='ok.csv')).time.tolist() and a.place[0] == 'Tohoku, Japan'
    with pytest.raises(ValueError, match="trailing_sep='skip'; expected 'raise' or 'ignore'"):
        read_comcat_csv(comcat(tmp_path), trailing_sep='skip')

# --- a truncated last line --------------------------------------------------------------------------------------------
@pytest.mark.parametrize('cut,newline', [(20, False), (20, True), (45, False), (60, True)])
def test_truncated_last_line_comcat(tmp_path, cut, newline):
    txt = '\n'.join([COMCAT_HEAD, *COMCAT_ROWS])[:-cut] + ('\n' if newline else '')
    frag = r"wrong number of fields \(truncated or extra fields\) at line 4: \d; expected 8 ','-separated fields as in the header"
    with pytest.raises(CatalogError, match=frag + ('' if newline else r' \(the file ends without a newline: an interrupted download\?\)')):
        read_comcat_csv(write(tmp_path, 'cc.csv', txt))

def test_truncated_last_line_earthquakenpp(tmp_path):
    p = write(tmp_path, 'npp.csv', '\n'.join([NPP_HEAD, *NPP_ROWS])[:-12])
    with pytest.raises(CatalogError, match=r"npp.csv: column '\(all\)', wrong number of fields .* at line 3: \d; expected 7"): quiet(read_japan_usgs, p)

def test_truncated_last_line_fdsn(tmp_path):
    p = write(tmp_path, 'ev.txt', '\n'.join([FDSN_HEAD, *FDSN_ROWS])[:-30])
    with pytest.raises(CatalogError, match=r"wrong number of fields at line 4: \d+; expected 13 '\|'-separated fields .*ends without a newline"):
        read_fdsn_text(p)

def test_truncated_last_line_gulia_wiemer(tmp_path):
    p = write(tmp_path, 'gw.txt', '\n'.join(GW_ROWS)[:-12])
    with pytest.raises(CatalogError, match=r"column '(minute|second|distance)', missing or non-numeric value at line 3"): read_gulia_wiemer(p)

# --- QuakeML as it comes from agencies ---------------------------------------------------------------------------------
def test_quakeml_origin_without_time(tmp_path):
    with pytest.raises(CatalogError, match=r"q.xml: event 0 \(smi:local/.*\): origin smi:local/.* has no time; expected an origin time"):
        read_quakeml(qml(tmp_path, events=[(None, 42.8, 13.1, 9000., [(5.0, 'Mw')])]))

@pytest.mark.parametrize('where', ['<eventParameters', '<event ', '<origin '])
def test_quakeml_with_comment_reads(tmp_path, where):
    txt = quakeml_text(tmp_path).replace(where, '<!-- a comment -->' + where, 1)
    assert read_quakeml(write(tmp_path, 'c.xml', txt)).mag.tolist() == [6.5]

def test_quakeml_iso_8859_1_declared(tmp_path):
    txt = quakeml_text(tmp_path).replace("encoding='utf-8'", "encoding='ISO-8859-1'").replace('<eventParameters', '<!-- Montréal, Tōkyō? -->\n<eventParameters', 1)
    p = write(tmp_path, 'l.xml', txt.replace('Tōkyō', 'Tokyo'), enc='latin-1')
    assert len(read_quakeml(p)) == 1

def test_quakeml_latin1_undeclared(tmp_path):
    txt = quakeml_text(tmp_path).replace('<eventParameters', '<!-- Montréal -->\n<eventParameters', 1)
    p = write(tmp_path, 'u.xml', txt, enc='latin-1')
    with pytest.raises(CatalogError, match=r"u.xml: line 3, column \d+: not well-formed XML .*pass encoding='latin-1'"): read_quakeml(p)
    assert len(read_quakeml(p, encoding='latin-1')) == 1                      # encoding= is honoured
    with pytest.raises(CatalogError, match=r"u.xml: line 3, character \d+: byte b'\\xe9' is not valid utf-8"): read_quakeml(p, encoding='utf-8')

@pytest.mark.parametrize('content,frag', [
    ('\n'.join(GW_ROWS), r"not XML \(a whitespace table of numbers, such as ZMAP or Gulia-Wiemer: use read_gulia_wiemer\)"),
    ('13.1 42.7 2016.8 10 30 6.5 9.2 6 40\n', r"line 1 is '13.1 42.7 2016.8 10 30 6.5 9.2 6 40', not XML \(a whitespace table"),
    ('\n'.join([COMCAT_HEAD, *COMCAT_ROWS]), r"line 1 is 'time,latitude,longitude,depth,mag,magType,id,place', not XML; expected a QuakeML"),
    ('<q:quakeml xmlns:q="http://quakeml.org/xmlns/quakeml/1.2"><eventParameters>', r"line 1, column \d+: not well-formed XML"),
    ('<?xml version="1.0"?><html><body/></html>', r"root element is <html>; expected <q:quakeml>"),
])
def test_quakeml_reader_given_something_else(tmp_path, content, frag):
    with pytest.raises(CatalogError, match=frag): read_quakeml(write(tmp_path, 'x.xml', content))

def test_quakeml_catalog_object_and_empty():
    from obspy.core.event import Catalog
    import obspy
    cat = obspy.read_events(str(EX/'quakeml_japan.xml'))
    assert len(read_quakeml(cat)) == 3
    with pytest.raises(CatalogError, match=r"Catalog: QuakeML holds no events; expected at least one"): read_quakeml(Catalog())

def test_quakeml_missing_latitude(tmp_path):
    with pytest.raises(CatalogError, match=r"q.xml: column 'latitude', missing value at row 0"):
        read_quakeml(qml(tmp_path, events=[('2016-10-30T06:40:17', None, 13.1, 9000., [(5.0, 'Mw')])]))

def test_quakeml_mag_type_absent(tmp_path):
    p = qml(tmp_path, events=[('2016-10-30T06:40:17', 42.8, 13.1, 9000., [(5.0, 'Mw'), (4.8, 'ML')]),
                              ('2016-10-30T07:40:17', 42.8, 13.1, 9000., [(4.0, 'Mw')])])
    with pytest.raises(CatalogError, match=r"column 'mag', no magnitude of that type for event at row 1: 'smi:local/.*'; expected a magnitude of type 'ML'"):
        read_quakeml(p, mag_type='ML')
    assert read_quakeml(p, mag_type='ML', missing_mag='drop').mag.tolist() == pytest.approx([4.8])

def test_quakeml_preferred_magnitude_respected(tmp_path):
    import obspy
    p = qml(tmp_path)
    cat = obspy.read_events(str(p)); e = cat[0]; e.preferred_magnitude_id = e.magnitudes[1].resource_id
    q = read_quakeml(cat)
    assert (q.mag[0], q.mag_type[0], bool(q.mag_preferred[0])) == (6.1, 'ML', True)
    assert homogenize_magnitudes(q).mw_from.tolist() == ['ML']                       # the agency's choice
    assert homogenize_magnitudes(q, preferred='ignore').mw_from.tolist() == ['Mw']   # told otherwise

# --- Gulia-Wiemer clock fields -----------------------------------------------------------------------------------------
@pytest.mark.parametrize('field,val,frag', [('hour', '25', "column 'hour', impossible time of day at line 1: 25; expected an hour 0-23"),
                                            ('hour', '-1', "column 'hour', impossible time of day at line 1: -1"),
                                            ('hour', '24', "column 'hour', impossible time of day at line 1: 24"),
                                            ('hour', '7.5', "column 'hour', impossible time of day at line 1: 7.5"),
                                            ('minute', '75', "column 'minute', impossible time of day at line 1: 75; expected a minute 0-59"),
                                            ('minute', '60', "column 'minute', impossible time of day at line 1: 60"),
                                            ('second', '61.5', "column 'second', impossible time of day at line 1: 61.5; expected a second in [0, 60]"),
                                            ('second', '-0.5', "column 'second', impossible time of day at line 1: -0.5"),
                                            ('month', '13', "column 'month/day', invalid date at line 1: '13/27'"),
                                            ('day', '32', "column 'month/day', invalid date at line 1: '7/32'")])
def test_gulia_wiemer_clock(tmp_path, field, val, frag):
    with pytest.raises(CatalogError, match=re.escape(frag)): read_gulia_wiemer(gw(tmp_path, rows=[gw_line(0, **{field: val}), *GW_ROWS[1:]]))

def test_gulia_wiemer_longitude_beyond_360(tmp_path):
    with pytest.raises(CatalogError, match=r"column 'longitude', value out of range at line 2: 413.185; expected a value in \[-360, 360\]"):
        read_gulia_wiemer(gw(tmp_path, rows=[GW_ROWS[0], gw_line(1, lon='413.1850'), GW_ROWS[2]]))

# --- writing: a text field holding the output delimiter ------------------------------------------------------------------
@pytest.mark.parametrize('col,val', [('event_id', 'us|7000abcd'), ('location_name', 'Honshu|Japan'), ('author', 'ISC|JMA'), ('mag_type', 'M|w')])
def test_write_delimiter_in_text(tmp_path, col, val):
    cat = read_fdsn_text(fdsn(tmp_path))
    cat[col] = [val, 'x', 'y'] if col != 'event_id' else [val, 'e2', 'e3']
    with pytest.raises(CatalogError, match=rf"column '{col}', value contains the delimiter at row 0: '{re.escape(val)}'; expected text without the output delimiter '\|'"):
        write_fdsn_text(cat, tmp_path/'out.txt')

# --- several magnitude columns -------------------------------------------------------------------------------------------
KERM_COLS = {'publicid': 'event_id', 'origintime': 'time', 'depth': 'depth_km'}
@pytest.mark.parametrize('kw,frag', [
    (dict(columns={**KERM_COLS, 'MLv': 'mag', 'MLNZ20': 'mag'}), r"columns \['MLv', 'MLNZ20'\] both become 'mag'.*choose the magnitude with mag_column"),
    (dict(columns={**KERM_COLS, 'origintime': 'time', 'eventtype': 'time'}), r"columns \['eventtype', 'origintime'\] both become 'time'"),
    (dict(columns={**KERM_COLS, 'MLv': 'event_id'}), r"columns \['publicid', 'MLv'\] both become 'event_id'"),
    (dict(columns=KERM_COLS, mag_column='ML'), r"mag_column='ML' is not a column of the file; found \['publicid'"),
    (dict(columns=KERM_COLS), r"missing required column\(s\) \['mag', 'mag_type'\]"),
])
def test_magnitude_columns(kw, frag):
    with pytest.raises(CatalogError, match=frag): read_csv_catalog(EX/'kermadec_two_mags.csv', **kw)

def test_magnitude_column_chosen(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', CatalogWarning)
        a = read_csv_catalog(EX/'kermadec_two_mags.csv', columns=KERM_COLS, mag_column='MLNZ20', mag_type='ML')
    assert a.mag_type.unique().tolist() == ['ML'] and a.MLv.tolist()[0] == 4.9 and a.mag.tolist()[0] == 4.6
    p = write(tmp_path, 'm.csv', 'time,latitude,longitude,depth,mag,magType,id,Md\n2011-03-11T05:46:24Z,38.3,142.4,29,9.1,mww,ev1,8.0\n')
    b = read_comcat_csv(p, mag_column='Md')
    assert (b.mag[0], b.mag_type[0], b.mag_file[0], b.magType[0]) == (8.0, 'Md', 9.1, 'mww')   # the file's own kept

# --- catalogs without depth ----------------------------------------------------------------------------------------------
def test_depth_filter_on_depthless(tmp_path):
    with pytest.warns(CatalogWarning, match=r"npp.csv: no depth in this catalog \(depth_km is NaN for all 2 events\); filter_catalog\(depth=...\) will raise"):
        j = read_japan_usgs(npp(tmp_path))
    with pytest.raises(CatalogError, match=r"depth=\(0, 70\) asked, but this catalog has no depth \(depth_km is NaN for all 2 events"):
        filter_catalog(j, depth=(0, 70))
    cc = read_comcat_csv(comcat(tmp_path, rows=edit(COMCAT_ROWS, 1, 3, '')))
    with pytest.warns(CatalogWarning, match=r"filter_catalog: 1 events without a depth removed by depth=\(0, 70\)"):
        assert filter_catalog(cc, depth=(0, 70)).attrs['report']['depth_unknown'] == 1

@pytest.mark.parametrize('id_column,frag', [('event', r"missing required column\(s\) \['event_id'\]"), ('EventID', r"found columns \['id', 'time'")])
def test_earthquakenpp_id_column(tmp_path, id_column, frag):
    with pytest.raises(CatalogError, match=frag): quiet(read_earthquakenpp, npp(tmp_path), id_column=id_column)

def test_earthquakenpp_other_id_name(tmp_path):
    j = quiet(read_earthquakenpp, npp(tmp_path, head=NPP_HEAD.replace('id,', 'eventid,')), id_column='eventid')
    assert j.event_id.tolist() == ['0', '1']

# --- duplicates ------------------------------------------------------------------------------------------------------------
def test_identical_duplicates_dropped_counted(tmp_path):
    with pytest.warns(CatalogWarning, match=r"cc.csv: dropped 3 rows that repeat an earlier row exactly"):
        c = read_comcat_csv(comcat(tmp_path, rows=COMCAT_ROWS + COMCAT_ROWS))    # one month downloaded twice
    assert len(c) == 3 and c.attrs['report']['n_identical_dropped'] == 3

@pytest.mark.parametrize('rule,keep', [('keep_first', 9.1), ('keep_last', 8.8)])
def test_conflicting_duplicates_rule(tmp_path, rule, keep):
    rows = COMCAT_ROWS + [edit(COMCAT_ROWS, 0, 4, '8.8')[0]]
    with pytest.raises(CatalogError, match=r"cc.csv: column 'event_id', 1 ids repeated with different values: 'ev1' at line 2, line 5: mag 9.1 vs 8.8; expected one row per id"):
        read_comcat_csv(comcat(tmp_path, rows=rows))
    with pytest.warns(CatalogWarning, match=rf"resolved by duplicates='{rule}'"):
        c = read_comcat_csv(comcat(tmp_path, rows=rows), duplicates=rule)
    assert c.mag[0] == keep and c.attrs['report']['conflicts'] == {'ev1': {'mag': ['9.1', '8.8']}}

def test_conflicting_duplicates_fdsn(tmp_path):
    with pytest.raises(CatalogError, match=r"ev.txt: column 'event_id', 1 ids repeated with different values: 'e1' at line 2, line 5: .*mag 9.1 vs 8.9"):
        read_fdsn_text(fdsn(tmp_path, rows=FDSN_ROWS + [edit(FDSN_ROWS, 0, 10, '8.9', sep='|')[0]]))

@pytest.mark.parametrize('kw,frag', [(dict(duplicates='drop'), r"duplicates='drop'; expected one of \('drop_identical'"),
                                     (dict(unsorted='keep'), r"unsorted='keep'; expected 'sort' or 'raise'"),
                                     (dict(missing_mag='zero'), r"missing_mag='zero'; expected 'raise' or 'drop'"),
                                     (dict(lon_convention='0-360'), r"convention='0-360'; expected one of \('-180..180', '0..360'\)")])
def test_validate_options(tmp_path, kw, frag):
    with pytest.raises(ValueError, match=frag): read_comcat_csv(comcat(tmp_path, rows=COMCAT_ROWS + [COMCAT_ROWS[0]]), **kw)

# --- longitudes and regions --------------------------------------------------------------------------------------------------
def test_longitudes_wrapped_and_reported(tmp_path):
    with pytest.warns(CatalogWarning, match=r"cc.csv: 2 longitudes outside -180..180 degrees were wrapped"):
        c = read_comcat_csv(comcat(tmp_path, rows=edit(edit(COMCAT_ROWS, 0, 2, '190.5'), 2, 2, '-185')))
    assert c.longitude.tolist() == [-169.5, 141.111, 175.0] and c.attrs['report']['n_lon_wrapped'] == 2

@pytest.mark.parametrize('region,frag', [((135, 146, 35), 'expected four numbers'), ((135, 135, 35, 46), 'lon_min != lon_max'),
                                         ((135, 146, 46, 35), 'lat_min < lat_max'), ((0, 400, 35, 46), r'longitudes in \[-360, 360\]'),
                                         ((135, 146, -95, 46), '-90 <= lat_min'), (('a', 146, 35, 46), 'expected four numbers'),
                                         ((np.nan, 146, 35, 46), r'longitudes in \[-360, 360\]')])
def test_bad_regions(tmp_path, region, frag):
    with pytest.raises(ValueError, match=frag): filter_catalog(read_comcat_csv(comcat(tmp_path)), region=region)

# --- any format ---------------------------------------------------------------------------------------------------------------
def test_read_catalog_unknown(tmp_path):
    with pytest.raises(CatalogError, match=r"semi.csv: line 1 is 'evid;origin_time.*a layout none of the readers knows"): read_catalog(semi(tmp_path))
    with pytest.raises(ValueError, match=r"format='zmap'; expected 'auto' or one of \['quakeml'"): read_catalog(semi(tmp_path), format='zmap')
    with pytest.raises(FileNotFoundError, match='no such catalog file'): read_catalog(tmp_path/'nope.csv')

# --- bin widths in the summary ------------------------------------------------------------------------------------------------
def test_summary_binning(tmp_path):
    c = read_comcat_csv(comcat(tmp_path))
    with pytest.raises(ValueError, match=r"not on the declared delta_m=0.5 grid .* the bin width found in the data is delta_m=0.1"): catalog_summary(c, delta_m=0.5)
    with pytest.warns(CatalogWarning, match=r'magnitudes are continuous .* binned at delta_m=0.1 for the histogram'):
        assert catalog_summary(c.assign(mag=c.mag + np.array([3.7e-4, 1.23e-3, 2.71e-3])))['delta_m'] == 0.1
    assert catalog_summary(c.assign(mag=c.mag + 0.01)).get('delta_m') == 0.01                     # 0.01 resolution: measured

# --- homogenisation: regional types, relation types, presets, empty results -----------------------------------------------
def cat_of(types, mags=None):
    n = len(types)
    return validate_catalog(pd.DataFrame(dict(time=pd.date_range('2001', periods=n, freq='D', tz='UTC'), latitude=38., longitude=142.,
                                              depth_km=10., mag=mags or [3.0] * n, mag_type=list(types), event_id=[f'e{i}' for i in range(n)])))

@pytest.mark.parametrize('typ,frag', [('Md', 'duration (coda) magnitude'), ('MD', 'duration (coda) magnitude'), ('mB', 'broadband body-wave magnitude'),
                                      ('mb_Lg', 'Lg-wave magnitude'), ('mbLg', 'Lg-wave magnitude'), ('Me', 'energy magnitude')])
def test_refused_types(typ, frag):
    canon = {'MD': 'Md', 'mbLg': 'mb_Lg'}.get(typ, typ)
    with pytest.raises(CatalogError, match=rf"magnitude type '{canon}' has no Mw relation: {re.escape(frag)}"):
        homogenize_magnitudes(cat_of([typ, 'Mw']), priority=('Mw', canon))
    with pytest.raises(CatalogError, match=rf"'{canon}' has no Mw relation"): to_mw(3.0, typ)
    with pytest.warns(CatalogWarning, match=rf"1 with only types \{{'{canon}': 1\}} outside priority='mw_first' \(add them to priority= to keep them; {canon}: "):
        assert len(homogenize_magnitudes(cat_of([typ, 'Mw']))) == 1

@pytest.mark.parametrize('proxy,frag', [({'ML': 'Ms'}, "proxy maps 'ML' onto the 'Ms' relation"), ({'ML': 'mb'}, "proxy maps 'ML' onto the 'mb' relation"),
                                        ({'ML': 'M_JMA'}, "derived for ['M_JMA', 'Mv'], not 'ML'"), ({'Md': 'Ms'}, "proxy maps 'Md' onto the 'Ms' relation"),
                                        ({'ML': 'Me'}, "magnitude type 'ML' has no Mw relation: no relation or proxy for 'ML'"), ({'Mv': 'Ms'}, "proxy maps 'Mv' onto the 'Ms'")])
def test_relations_only_for_their_types(proxy, frag):
    "No silent +1.4 on a local magnitude: a relation applies only to the types it was derived for."
    with pytest.raises(CatalogError, match=re.escape(frag)):
        homogenize_magnitudes(cat_of(['ML', 'Md', 'Mv'], [2.0, 2.0, 4.0]), priority=('ML', 'Md', 'Mv'), proxy={'Md': 'ML', **proxy})

def test_proxy_loop():
    with pytest.raises(ValueError, match=r"proxy chain \['Md', 'ML', 'Md'\] loops"):
        homogenize_magnitudes(cat_of(['Md']), priority=('Md',), proxy={'Md': 'ML', 'ML': 'Md'})

@pytest.mark.parametrize('kw,frag', [(dict(priority='isc'), r"priority='isc'; expected a preset in \['mw_first'"),
                                     (dict(priority=('Mw', 'Mx')), r"priority has \['Mx'\]"),
                                     (dict(preferred='agency'), r"preferred='agency'"), (dict(unknown='keep'), r"unknown='keep'"),
                                     (dict(out_of_range='clip'), r"out_of_range='clip'"), (dict(relations='isc2020'), r"relations='isc2020'")])
def test_homogenize_options(kw, frag):
    with pytest.raises(ValueError, match=frag): homogenize_magnitudes(cat_of(['Ms', 'mb'], [5.0, 5.0]), **kw)

@pytest.mark.parametrize('types,priority,n_out', [(['Mw', 'Mww', 'Mwc'], 'koehler2023_strict', 0), ([], 'mw_first', 0),
                                                 (['Mx'], 'mw_first', 0), (['Mw'], 'koehler2023_isc', 1)])
def test_homogenize_empty_results(types, priority, n_out):
    cat = cat_of(types) if types else cat_of(['Mw']).iloc[:0]
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', CatalogWarning)
        h = homogenize_magnitudes(cat, priority=priority, unknown='drop')
    assert len(h) == n_out and h.attrs['report']['n_out'] == n_out and 'mw_from' in h.columns

def test_default_keeps_mw_and_isc_preset():
    q = validate_catalog(pd.DataFrame(dict(time=['2016-04-15T16:25:06'], latitude=[32.8], longitude=[130.8], depth_km=[10.], mag=[7.0],
                                           mag_type=['Mw'], event_id=['kumamoto'], all_mags=[{'Mw': 7.0, 'mb': 6.0, 'MJMA': 7.3}])))
    assert homogenize_magnitudes(q).mag.tolist() == [7.0]                                        # an Mw is kept
    assert homogenize_magnitudes(q, priority='koehler2023_isc').mag.tolist() == pytest.approx([0.85 * 6.0 + 1.02])   # the paper: mb first

@pytest.mark.parametrize('typ,val,mw', [('Mww', 7.1, 7.1), ('Mwc', 6.2, 6.2), ('Mwr', 4.3, 4.3), ('Mwb', 5.5, 5.5), ('Mwp', 6.8, 6.8),
                                        ('MLv', 3.3, 3.3), ('MLNZ20', 3.1, 3.1)])
def test_regional_types_mapped(typ, val, mw):
    assert to_mw(val, typ) == pytest.approx(mw)
