"""The sanitiser's policy, pinned: fixed inputs with their exact outputs. A change to the
allow-list (an event handler, `style`, a new tag or URL scheme) changes one of these strings
and has to be reviewed here, on purpose. Expected strings were read once from
lms/core/markup.py and checked by eye."""
import pytest

from lms.core.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown, sanitize

SANITISED = [
    ('js-link', '<a href="javascript:alert(1)">x</a>',
     '<a rel="noopener noreferrer">x</a>'),
    ('js-link-mixed-case', '<a href="JaVaScRiPt:alert(1)">x</a>',
     '<a rel="noopener noreferrer">x</a>'),
    ('js-link-tab', '<a href="java\tscript:alert(1)">x</a>',
     '<a rel="noopener noreferrer">x</a>'),
    ('js-link-entity-colon', '<a href="javascript&#58;alert(1)">x</a>',
     '<a rel="noopener noreferrer">x</a>'),
    ('js-link-zero-width', '<a href="javascript\u200b:alert(1)">x</a>',
     '<a rel="noopener noreferrer">x</a>'),
    ('data-link', '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
     '<a rel="noopener noreferrer">x</a>'),
    ('vbscript-link', '<a href="vbscript:msgbox(1)">x</a>',
     '<a rel="noopener noreferrer">x</a>'),
    ('allowed-link', '<a href="https://upr-info.org/en" title="UPR Info" target="_blank" onclick="alert(1)">UPR Info</a>',
     '<a href="https://upr-info.org/en" title="UPR Info" rel="noopener noreferrer">UPR Info</a>'),
    ('mailto-link', '<a href="mailto:info@upr-info.org">mail</a>',
     '<a href="mailto:info@upr-info.org" rel="noopener noreferrer">mail</a>'),
    ('relative-link', '<a href="/courses/upr-essentials">relative</a>',
     '<a href="/courses/upr-essentials" rel="noopener noreferrer">relative</a>'),
    ('link-query-ampersand', '<a href="https://x.example/?a=1&b=2">query</a>',
     '<a href="https://x.example/?a=1&amp;b=2" rel="noopener noreferrer">query</a>'),
    ('event-handlers', '<p onclick="alert(1)" onmouseover="alert(2)">text</p>',
     '<p>text</p>'),
    ('img-onerror', '<img src="x" onerror="alert(1)">',
     '<img src="x">'),
    ('img-js-src', '<img src="javascript:alert(1)" alt="a">',
     '<img alt="a">'),
    ('img-data-src', '<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="d">',
     '<img alt="d">'),
    ('img-allowed-attributes', '<img src="/course-media/c/map.png" alt="Map" title="t" width="10" height="20" class="big" style="x">',
     '<img src="/course-media/c/map.png" alt="Map" title="t" width="10" height="20">'),
    ('style-attribute', '<p style="background:url(javascript:alert(1))">styled</p>',
     '<p>styled</p>'),
    ('iframe', '<iframe src="https://evil.example"></iframe>after',
     'after'),
    ('svg-script', '<svg><script>alert(1)</script></svg>',
     ''),
    ('svg-onload-xlink', '<svg onload="alert(1)"><a xlink:href="javascript:alert(1)">x</a></svg>',
     ''),
    ('mathml-xlink', '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
     ''),
    ('script', '<script>alert(1)</script><p>kept</p>',
     '<p>kept</p>'),
    ('style-element', '<style>p{color:red}</style><p>kept</p>',
     '<p>kept</p>'),
    ('form', '<form action="/x"><input name="q"><button>go</button></form>',
     'go'),
    ('object-embed', '<object data="x.swf"></object><embed src="x.swf">',
     ''),
    ('entities', '<p>a &lt;script&gt; &amp; &quot;quotes&quot; &#x27; &copy;</p>',
     '<p>a &lt;script&gt; &amp; "quotes" \' ©</p>'),
    ('table', '<table><thead><tr><th align="left" onclick="x">H</th></tr></thead><tbody><tr><td align="right" style="x">D</td></tr></tbody></table>',
     '<table><thead><tr><th align="left">H</th></tr></thead><tbody><tr><td align="right">D</td></tr></tbody></table>'),
    ('ordered-list', '<ol start="3" type="a"><li>three</li></ol>',
     '<ol start="3"><li>three</li></ol>'),
    ('headings', '<h1>Title</h1><h2 id="x">Sub</h2>',
     'Title<h2>Sub</h2>'),
    ('comment', '<!-- comment --><p>after comment</p>',
     '<p>after comment</p>'),
    ('div-span-cite', '<div><span class="c">inline</span></div><blockquote cite="x">q</blockquote>',
     'inline<blockquote>q</blockquote>'),
    ('unclosed', '<p>unclosed <strong>bold <em>both</p>',
     '<p>unclosed <strong>bold <em>both</em></strong></p>'),
]

RENDERED = [
    ('md-js-link', '[link](javascript:alert(1))',
     '<p>[link](javascript:alert(1))</p>\n'),
    ('md-nested', '[link](https://upr-info.org "UPR") and **bold _nested_ `code`**',
     '<p><a href="https://upr-info.org" title="UPR" rel="noopener noreferrer">link</a> and <strong>bold <em>nested</em> <code>code</code></strong></p>\n'),
    ('md-raw-script', '<script>alert(1)</script> raw html stays text',
     '<p>&lt;script&gt;alert(1)&lt;/script&gt; raw html stays text</p>\n'),
    ('md-data-image', '![pic](data:image/png;base64,AAAA)',
     '<p><img alt="pic"></p>\n'),
    ('md-quote-list', '> quote with [a](vbscript:x)\n\n- item *one*\n- item <b onclick=x>two</b>',
     '<blockquote>\n<p>quote with [a](vbscript:x)</p>\n</blockquote>\n<ul>\n<li>item <em>one</em></li>\n<li>item &lt;b onclick=x&gt;two&lt;/b&gt;</li>\n</ul>\n'),
    ('md-entities', 'Entities: &copy; &amp; &lt;b&gt; &#x3C;i&#x3E;',
     '<p>Entities: © &amp; &lt;b&gt; &lt;i&gt;</p>\n'),
]

EVENTS = ["onclick", "onerror", "onload", "onmouseover", "onfocus", "onanimationstart",
          "onpointerdown", "onbegin", "ontoggle", "onauxclick"]


@pytest.mark.parametrize(("html", "expected"), [c[1:] for c in SANITISED], ids=[c[0] for c in SANITISED])
def test_sanitised_html_is_exactly_as_pinned(html, expected):
    assert sanitize(html) == expected


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in RENDERED], ids=[c[0] for c in RENDERED])
def test_rendered_markdown_is_exactly_as_pinned(text, expected):
    assert str(render_markdown(text)) == expected


@pytest.mark.parametrize("tag", sorted(ALLOWED_TAGS))
def test_no_allowed_tag_keeps_an_event_handler_or_style(tag):
    attributes = " ".join(f'{name}="alert(1)"' for name in [*EVENTS, "style", "formaction"])
    cleaned = sanitize(f"<{tag} {attributes}>x</{tag}>")
    assert "alert" not in cleaned, cleaned


def test_the_allow_list_names_no_handler_or_style_attribute():
    # Spelled out too, so that the failure says which entry of the policy is wrong.
    named = {(tag, attr) for tag, attrs in ALLOWED_ATTRIBUTES.items() for attr in attrs}
    assert not {(t, a) for t, a in named if a.startswith("on") or a in {"style", "srcdoc", "formaction"}}
    assert not ALLOWED_TAGS & {"script", "style", "iframe", "object", "embed", "svg", "math", "form",
                               "input", "button", "link", "meta", "base", "frame", "template"}
