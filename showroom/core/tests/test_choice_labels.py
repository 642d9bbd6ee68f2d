import pytest
from django.template import Context, Template
from django.utils import translation

from showroom.core.choices import Source
from showroom.leads.models import Lead, Stage


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_choice_shows_the_same_label_as_django_gives_in_each_language(language):
    lead = Lead(stage=Stage.TEST_DRIVE, source=Source.DOUYIN)
    template = Template('{% load choices %}{{ lead|display:"stage" }}|{{ lead|display:"source" }}')
    with translation.override(language):
        assert template.render(Context({"lead": lead})) == f"{lead.get_stage_display()}|{lead.get_source_display()}"


def test_an_unknown_value_shows_as_it_is():
    assert Template('{% load choices %}{{ lead|display:"source" }}').render(
        Context({"lead": Lead(source="fax")})) == "fax"
