"""Lesson images are served from inside their course folder only."""
import os


def _tree(tmp_path):
    course = tmp_path / "courses" / "demo-course" / "images"
    course.mkdir(parents=True)
    (course / "map.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    (course / "evil.svg").write_text("<svg><script>alert(1)</script></svg>")
    (tmp_path / "secret.png").write_bytes(b"\x89PNG secret")
    os.symlink(tmp_path / "secret.png", course / "link.png")
    return tmp_path / "courses"


def test_course_image_is_served_with_its_type(app, client, tmp_path):
    app.config["COURSES_DIR"] = str(_tree(tmp_path))
    response = client.get("/course-media/demo-course/images/map.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_paths_that_leave_the_course_folder_or_svg_are_refused(app, client, tmp_path):
    app.config["COURSES_DIR"] = str(_tree(tmp_path))
    for path in ["images/link.png", "../secret.png", "images/evil.svg", "images/missing.png",
                 "%2e%2e/secret.png"]:
        assert client.get(f"/course-media/demo-course/{path}").status_code == 404, path
    assert client.get("/course-media/../secret.png").status_code == 404


def test_images_reached_through_a_link_inside_the_course_are_refused(app, client, tmp_path):
    root = _tree(tmp_path)
    images = root / "demo-course" / "images"
    os.symlink("map.png", images / "alias.png")
    os.symlink("images", root / "demo-course" / "pictures")
    os.symlink("demo-course", root / "other-course")
    app.config["COURSES_DIR"] = str(root)
    assert client.get("/course-media/demo-course/images/map.png").status_code == 200
    for url in ["/course-media/demo-course/images/alias.png", "/course-media/demo-course/pictures/map.png",
                "/course-media/other-course/images/map.png"]:
        assert client.get(url).status_code == 404, url
