"""Bad-input battery for seisnb.catalog: every malformed input named in issue 2 gets a clear error that names the
file line (or row) and the column, or, where dropping/sorting is the documented behaviour, a report of how many and why."""
import csv, io, re, warnings
from pathlib import Path
import numpy as np, pandas as pd
import pytest
from seisnb.catalog import (CatalogError, CatalogWarning, read_csv_catalog, read_comcat_csv, read_fdsn_text, read_quakeml,
                            read_gulia_wiemer, read_japan_usgs, validate_catalog, homogenize_magnitudes, to_mw, PRIORITY_MW)

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
    with pytest.raises(CatalogError, match=r'empty.txt: file is empty \(\d+ bytes\); expected a header line'): reader(p)

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
@pytest.mark.parametrize('col,val,name', [(1, '95.2', 'latitude'), (1, '-90.5', 'latitude'), (2, '200.0', 'longitude'), (2, '-181', 'longitude')])
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
    with pytest.warns(CatalogWarning, match=r"1 of 3 events dropped: \{'n_unknown_dropped': 1\}"):
        h = homogenize_magnitudes(cat, unknown='drop', priority=PRIORITY_MW)
    assert h.event_id.tolist() == ['e1', 'e3'] and h.attrs['report']['unknown_types_dropped'] == {'Mx': 1}
    with pytest.raises(CatalogError, match=r"unknown magnitude type\(s\) \['Mx'\]"): to_mw(5.0, 'Mx')

def test_missing_magnitude_type(tmp_path):
    p = fdsn(tmp_path, rows=edit(FDSN_ROWS, 0, 9, '', sep='|'))
    with pytest.raises(CatalogError, match=r"column 'mag_type', missing value at line 2"): read_fdsn_text(p)

def test_out_of_range_magnitude_rule(tmp_path):
    cat = read_fdsn_text(fdsn(tmp_path, rows=edit(FDSN_ROWS, 1, 10, '8.5', sep='|')))  # MS 8.5 > 8.0
    with pytest.raises(CatalogError, match=r"outside the relation's validity range at row 1 \(event 'e2'\): 8.5 MS"): homogenize_magnitudes(cat, out_of_range='raise')
    with pytest.warns(CatalogWarning, match='n_out_of_range_dropped'):
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
    with pytest.raises(CatalogError, match=r"column 'event_id', duplicated ids: 'ev1' at line 2, line 4; expected unique event ids"): read_comcat_csv(p)
    with pytest.warns(CatalogWarning, match='dropped 1 rows whose event_id repeats'):
        c = read_comcat_csv(p, duplicates='drop')
    assert c.event_id.tolist() == ['ev1', 'ev2'] and c.attrs['report']['n_duplicates_dropped'] == 1

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
    with pytest.raises(CatalogError, match=r'Expected 8 fields in line 3, saw 9'):
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
    with pytest.raises(CatalogError, match='ObsPy could not read it as QuakeML'): read_quakeml(p)

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
