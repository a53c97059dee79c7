"""Every page of the companies app, in Arabic on a 375 px phone, for each role that reads it.

Each role signs in once through the real form, switches the portal to Arabic with the header's
language switch, then opens its pages one after another in the same tab. On every page: the
document reads right to left in Arabic, nothing runs off the side of the screen, Latin text (a
company's name, a telephone number in a form) is not drawn the wrong way round, axe-core finds no
serious or critical WCAG 2.1 AA violation, and the browser logs no error.

A page that fails does not stop the tour: every page is checked, and the test then fails with the
list of every page's problems.
"""

import pytest

from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 800}
OROBICA = "Meccanica Orobica S.r.l."
BREMBANE = "Officine Brembane S.r.l."
SERIANA = "Seriana Automazione S.r.l."
VALCAVALLINA = "Stampi Valcavallina S.r.l."

# What sticks out of the screen, to say why a page is too wide: elements beyond either edge that
# no scrolling box of theirs (such as .table-responsive) holds in.
OUTSIDE = """() => {
  const held = (el) => {
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== 'visible') {
        const r = box.getBoundingClientRect();
        return r.left >= 0 && r.right <= innerWidth;
      }
    }
    return false;
  };
  return [...document.querySelectorAll('body *')]
    .map(el => [el, el.getBoundingClientRect()])
    .filter(([el, r]) => (r.width || r.height) && (r.right > innerWidth || r.left < 0))
    .filter(([el, r]) => getComputedStyle(el).position === 'absolute' || !held(el))
    .slice(0, 6)
    .map(([el, r]) =>
      `${el.outerHTML.slice(0, 140)} (x ${r.left.toFixed(1)}..${r.right.toFixed(1)})`);
}"""

# Latin text shown in a right-to-left page must keep its own order.
# - In a text node with Latin letters and no Arabic, a final ".", "!" or "?" is drawn just right
#   of the letter before it. Without <bdi> (or dir="ltr") it jumps to the far left:
#   ".Stampi Valcavallina S.r.l". (Brackets are left out: mirrored, a ")" on the left looks right.)
# - A text box holding a value without Arabic (a name, a telephone number) draws its characters
#   left to right; in a right-to-left box without dir="ltr" or "auto", "+39 035 421 7700" reads
#   "7700 421 035 39+". The value is laid out in a copy with the box's direction and measured.
WRONG_WAY_ROUND = """() => {
  const arabic = /[\\u0590-\\u08FF\\uFB1D-\\uFDFF\\uFE70-\\uFEFF]/;
  const latin = /[A-Za-z\\u00C0-\\u024F]/;
  const hidden = 'script, style, select, textarea, [hidden], '
    + '.visually-hidden, .visually-hidden-focusable';
  const box = (node, i) => {
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    return range.getBoundingClientRect();
  };
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode()); ) {
    const text = node.data, end = text.trimEnd().length - 1;
    if (end < 1 || !latin.test(text) || arabic.test(text) || !'.!?'.includes(text[end])) continue;
    if (node.parentElement.closest(hidden)) continue;
    const last = box(node, end), before = box(node, end - 1);
    if (!last.width || !before.width || Math.abs(last.top - before.top) > 2) continue;
    if (last.left < before.left) {
      found.push(`<${node.parentElement.tagName.toLowerCase()}> ${text.trim().slice(-70)}`);
    }
  }
  const boxes = 'input:not([type]), input[type=text], input[type=tel], input[type=email], '
    + 'input[type=url], input[type=search]';
  for (const input of document.querySelectorAll(boxes)) {
    const value = input.value.trim(), style = getComputedStyle(input);
    if (!value || arabic.test(value) || style.direction !== 'rtl' || !input.offsetWidth) continue;
    const copy = document.createElement('span');
    copy.style.cssText = `position:absolute; top:0; left:0; white-space:pre; font:${style.font};
      direction:rtl; unicode-bidi:isolate`;
    copy.textContent = value;
    document.body.append(copy);
    const xs = [...value].map((c, i) => [c, box(copy.firstChild, i).left])
      .filter(([c]) => !/[\\s()\\[\\]{}]/.test(c)).map(([c, x]) => x);
    copy.remove();
    if (xs.some((x, i) => i && x < xs[i - 1])) found.push(`<input name=${input.name}> ${value}`);
  }
  return found;
}"""


class PhoneTour:
    """One signed-in tab, in Arabic, 375 px wide, that checks every page it opens."""

    def __init__(self, visit, demo, email: str):
        self.tab = visit(**PHONE)
        self.failures: list[str] = []
        page = self.tab.page
        sign_in(self.tab, email, demo[email].totp_secret)
        # The header's language switch, found by its place rather than by its translated labels.
        page.locator("#language-select").select_option("ar")
        page.locator("form[action$='/i18n/setlang/'] button[type=submit]").click()
        page.wait_for_load_state("load")

    @property
    def page(self):
        return self.tab.page

    def see(
        self,
        path: str,
        *,
        lands_on: str = "",
        shows: tuple[str, ...] = (),
        hides: tuple[str, ...] = (),
        values: dict[str, str] | None = None,
        rtl_fields: tuple[str, ...] = (),
        screenshot: str = "",
    ) -> None:
        """Open `path` and check it: each kind of check that fails is noted and the others still
        run; then the tour goes on."""
        if not self._holds(path, self._open, path, lands_on, screenshot):
            return
        self._holds(path, self._reads_arabic_right_to_left)
        self._holds(path, self._content, shows, hides, values or {}, rtl_fields)
        self._holds(path, self._fits_the_screen)
        self._holds(path, self._latin_the_right_way_round)
        self._holds(path, self.tab.check)  # axe-core, script and console errors

    def _holds(self, path: str, check, *args) -> bool:
        try:
            check(*args)
        except AssertionError as failure:
            # The message only, without pytest's rewritten "assert ..." explanation.
            self.failures.append(f"{path}: {str(failure).split(chr(10) + 'assert ')[0]}")
            self.tab.problems.clear()  # reported once, with the page that caused them
            return False
        return True

    def _open(self, path: str, lands_on: str, screenshot: str) -> None:
        page, tab = self.tab.page, self.tab
        response = page.goto(tab.base_url + path)
        assert response.ok, f"answered {response.status}"
        page.wait_for_load_state("load")
        assert page.url == tab.base_url + (lands_on or path), f"ended on {page.url}"
        if screenshot:
            tab.screenshot(screenshot)

    def _reads_arabic_right_to_left(self) -> None:
        html = self.page.locator("html")
        assert html.get_attribute("lang") == "ar", f"lang={html.get_attribute('lang')}"
        assert html.get_attribute("dir") == "rtl", f"dir={html.get_attribute('dir')}"

    def _content(self, shows, hides, values, rtl_fields) -> None:
        page = self.page
        main = page.locator("main").inner_text()
        missing = [text for text in shows if text not in main]
        assert not missing, f"does not show {missing}"
        shown = [text for text in hides if text in main]
        assert not shown, f"shows {shown}"
        for selector, value in values.items():
            assert page.locator(selector).input_value() == value, f"{selector} is not {value!r}"
        for selector in rtl_fields:
            assert page.locator(selector).get_attribute("dir") == "rtl", f"{selector} not rtl"

    def _fits_the_screen(self) -> None:
        width = self.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (
            f"the page is {width}px wide on a {PHONE['width']}px screen; sticking out: "
            f"{self.page.evaluate(OUTSIDE)}"
        )

    def _latin_the_right_way_round(self) -> None:
        wrong_way = self.page.evaluate(WRONG_WAY_ROUND)
        assert not wrong_way, (
            f"Latin text drawn the wrong way round (wants <bdi> or dir=auto): {wrong_way}"
        )

    def done(self) -> None:
        if self.failures:
            pytest.fail(
                f"{len(self.failures)} problem(s) on these pages:\n" + "\n".join(self.failures),
                pytrace=False,
            )


def _in_arabic(course) -> str:
    from django.utils import translation

    with translation.override("ar"):
        return course.display_title


def test_company_user_reads_every_company_page_in_arabic_on_a_phone(visit, demo):
    from companies.models import Company, Vacancy

    company = Company.objects.get(legal_name=OROBICA)
    # The published vacancy whose description exists in Arabic as well.
    vacancy = Vacancy.objects.get(
        company=company, title="Manutentore meccatronico", status=Vacancy.Status.PUBLISHED
    )
    # The training modules it requires, by their Arabic titles (training/catalogue_strings.py).
    courses = list(vacancy.required_modules.all())
    modules = tuple(_in_arabic(course) for course in courses)
    assert courses and all(arabic != course.title for arabic, course in zip(modules, courses))
    pk = company.pk

    tour = PhoneTour(visit, demo, "hr@orobica.thamm.example")
    tour.see("/", shows=(OROBICA,), screenshot="company-home-ar-375")
    tour.see("/companies/", lands_on=f"/companies/{pk}/", shows=(OROBICA,))
    tour.see(f"/companies/{pk}/", shows=(OROBICA, "Via Zanica 42"), screenshot="company-ar-375")
    tour.see(
        f"/companies/{pk}/edit/",
        values={"#id_pec": "meccanicaorobica@pec.example.it"},
        screenshot="company-edit-ar-375",
    )
    tour.see(
        f"/companies/{pk}/units/",
        shows=("Via Zanica 42", "Via Casirate 28"),
        screenshot="company-units-ar-375",
    )
    tour.see(
        f"/companies/{pk}/vacancies/",
        shows=("Capoturno di produzione", "Montatore meccanico", "Tecnico PLC"),
        screenshot="company-vacancies-ar-375",
    )
    tour.see(
        f"/companies/vacancies/{vacancy.pk}/",
        shows=("Manutentore meccatronico", *modules),
        screenshot="company-vacancy-ar-375",
    )
    tour.see(
        f"/companies/vacancies/{vacancy.pk}/edit/",
        values={"#id_title": "Manutentore meccatronico"},
        rtl_fields=("#id_description_ar",),
        screenshot="company-vacancy-edit-ar-375",
    )
    tour.see(
        f"/companies/{pk}/vacancies/new/",
        values={"#id_title": ""},
        rtl_fields=("#id_description_ar",),
        screenshot="company-vacancy-new-ar-375",
    )
    tour.see(f"/companies/{pk}/attestation/", screenshot="company-attestation-ar-375")
    tour.done()


def test_chamber_advisor_reads_the_company_pages_in_arabic_on_a_phone(visit, demo):
    from companies.models import Company

    brembane = Company.objects.get(legal_name=BREMBANE)
    tour = PhoneTour(visit, demo, "advisor@bergamo.thamm.example")
    tour.see("/", shows=(BREMBANE,), screenshot="advisor-home-ar-375")
    tour.see(
        "/companies/",
        shows=(OROBICA, BREMBANE, SERIANA, VALCAVALLINA),
        hides=("Automazioni Emiliane",),  # not assigned to him
        screenshot="advisor-companies-ar-375",
    )
    tour.see(
        "/companies/paperwork/",
        shows=(OROBICA, VALCAVALLINA),
        hides=("Automazioni Emiliane",),
        screenshot="advisor-paperwork-ar-375",
    )
    tour.see(f"/companies/{brembane.pk}/", shows=(BREMBANE, "Dalmine"))
    tour.see("/advisors/", shows=(BREMBANE, "Marco Rota"), screenshot="advisor-assign-ar-375")
    tour.done()


def test_iom_reads_the_company_pages_in_arabic_on_a_phone(visit, demo):
    from companies.models import Company

    suspended = Company.objects.get(legal_name=VALCAVALLINA, status=Company.Status.SUSPENDED)
    tour = PhoneTour(visit, demo, "iom@thamm.example")
    tour.see("/")
    tour.see(
        "/companies/?status=pending",
        shows=(SERIANA, "Veneta Robotica S.r.l."),
        hides=(OROBICA,),  # verified
        screenshot="iom-companies-pending-ar-375",
    )
    tour.see(
        f"/companies/{suspended.pk}/",
        shows=(VALCAVALLINA, "Violazione del reclutamento equo"),
        screenshot="iom-company-suspended-ar-375",
    )
    tour.see(
        "/companies/paperwork/",
        shows=(VALCAVALLINA, "Automazioni Emiliane S.p.A."),
        screenshot="iom-paperwork-ar-375",
    )
    tour.done()
