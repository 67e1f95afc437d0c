"""CSV enrolment: reading and checking the file (no database), line numbers and reasons."""
from lms.cohorts.roster import read_roster


def problems(text: str | bytes, **kwargs):
    data = text.encode() if isinstance(text, str) else text
    return [(p.line, p.message) for p in read_roster(data, **kwargs).problems]


def test_a_good_file_gives_rows_with_normalised_fields():
    roster = read_roster("Name,E-mail,Organisation,Language\n"
                         "Amina Diallo, Amina@Example.org ,Ministry of Justice,Français\n"
                         "Carlos Pérez,carlos@example.org,,ES\n"
                         "Mei Chen,mei@example.org,,\n".encode())
    assert roster.problems == [] and not roster.fatal
    assert [(r.line, r.name, r.email, r.organisation, r.language) for r in roster.rows] == [
        (2, "Amina Diallo", "amina@example.org", "Ministry of Justice", "fr"),
        (3, "Carlos Pérez", "carlos@example.org", "", "es"),
        (4, "Mei Chen", "mei@example.org", "", "en"),
    ]
    assert roster.importable(only_good_rows=False)


def test_every_bad_row_is_reported_with_its_line_and_reason():
    text = ("name,email,organisation,language\n"
            ",nobody@example.org,,en\n"                      # 2 missing name
            "Bad Mail,not-an-email,,en\n"                    # 3 bad e-mail
            "Lang,lang@example.org,,de\n"                    # 4 unknown language
            "First,dup@example.org,,\n"                      # 5 good
            "Second,DUP@example.org,,\n"                     # 6 duplicate of line 5
            f"Long org,org@example.org,{'x' * 201},\n"       # 7 organisation too long
            "\n"                                             # 8 blank: skipped, still counted
            "Good,good@example.org,,\n"                      # 9 good
            "No mail,,,\n")                                  # 10 missing e-mail
    found = problems(text)
    assert [line for line, _ in found] == [2, 3, 4, 6, 7, 10]
    reasons = dict(found)
    assert "name is missing" in reasons[2]
    assert "not a valid e-mail" in reasons[3]
    assert "Unknown language \"de\"" in reasons[4]
    assert "appears twice" in reasons[6] and "line 5" in reasons[6]
    assert "organisation name is longer than 200" in reasons[7]
    assert "e-mail address is missing" in reasons[10]
    roster = read_roster(text.encode())
    assert [r.line for r in roster.rows] == [5, 9]
    assert not roster.importable(only_good_rows=False)
    assert roster.importable(only_good_rows=True)


def test_quoted_fields_spanning_lines_keep_the_line_numbers_right():
    text = 'name,email\n"Multi\nLine",multi@example.org\nAfter,after@example.org\n,missing@example.org\n'
    assert problems(text) == [(2, "The name contains a line break or a control character."),
                              (5, "The name is missing.")]


def test_semicolon_files_from_french_spreadsheets_and_a_bom():
    roster = read_roster("\ufeffnom;courriel;langue\nAmina;amina@example.org;fr\n".encode())
    assert roster.problems == []
    assert (roster.rows[0].name, roster.rows[0].email, roster.rows[0].language) == ("Amina", "amina@example.org", "fr")


def test_formula_and_markup_names_are_kept_as_text():
    roster = read_roster(b"name,email\n\"=cmd|' /C calc'!A0\",f@example.org\n<script>alert(1)</script>,s@example.org\n")
    assert [r.name for r in roster.rows] == ["=cmd|' /C calc'!A0", "<script>alert(1)</script>"]


def test_file_level_problems_block_everything():
    assert problems(b"\xff\xfename,email\n")[0][1].startswith("The file is not UTF-8")
    assert problems("name,email\nÉlodie,e@example.org\n".encode("latin-1"))[0][1].startswith("The file is not UTF-8")
    assert problems(b"") == [(0, "The file is empty.")]
    assert "first line must name the columns" in problems("Amina,amina@example.org\n")[0][1]
    assert "first line must name the columns" in problems("name,organisation\nA,B\n")[0][1]
    roster = read_roster(b"name,email\n" + b"".join(b"P%d,p%d@example.org\n" % (n, n) for n in range(6)), max_rows=5)
    assert roster.fatal and not roster.importable(only_good_rows=True)
    assert [(p.line, "more than 5" in p.message) for p in roster.problems] == [(7, True)]
