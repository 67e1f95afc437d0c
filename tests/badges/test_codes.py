from lms.badges.codes import ALPHABET, display, new_code, normalise


def test_new_codes_use_only_unambiguous_symbols_and_differ():
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 10 and set(code) <= set(ALPHABET)
        assert not set(code) & set("ILOU")


def test_typed_codes_are_read_forgivingly():
    assert normalise("7kq2m-x9d4r") == "7KQ2MX9D4R"
    assert normalise(" 7KQ2M X9D4R ") == "7KQ2MX9D4R"
    assert normalise("OIL23-45678") == "01123" + "45678"   # O reads as 0, I and L as 1
    assert display("7KQ2MX9D4R") == "7KQ2M-X9D4R"


def test_malformed_codes_are_refused():
    for text in ["", None, "short", "7KQ2M-X9D4R-EXTRA", "7KQ2M-X9D4U", "<script>", "7KQ2M_X9D4R"]:
        assert normalise(text) is None, text
