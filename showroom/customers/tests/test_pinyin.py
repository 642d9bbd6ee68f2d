"""The pinyin keys the customer search uses: full pinyin and initials."""

import pytest

from showroom.customers.pinyin import pinyin_keys


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("张三", "zhangsan", "zs"),
        ("李娜", "lina", "ln"),
        ("欧阳娜娜", "ouyangnana", "oynn"),
        ("长孙无忌", "changsunwuji", "cswj"),
    ],
)
def test_a_chinese_name_gets_its_full_pinyin_and_initials(name, full, initials):
    assert pinyin_keys(name) == (full, initials)


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("曾小贤", "zengxiaoxian", "zxx"),  # not ceng
        ("单田芳", "shantianfang", "stf"),  # not dan
        ("解晓东", "xiexiaodong", "xxd"),  # not jie
        ("仇英", "qiuying", "qy"),  # not chou
        ("区志伟", "ouzhiwei", "ozw"),  # not qu
        ("朴树", "piaoshu", "ps"),
        ("乐嘉", "yuejia", "yj"),
    ],
)
def test_a_polyphonic_surname_is_read_the_way_it_is_read_as_a_surname(name, full, initials):
    assert pinyin_keys(name) == (full, initials)


def test_a_company_name_keeps_the_ordinary_reading_of_its_first_character():
    assert pinyin_keys("单位采购部", person=False)[0].startswith("dan")
    assert pinyin_keys("单位采购部", person=True)[0].startswith("shan")


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("John Smith", "johnsmith", "js"),
        ("  Anna-Lena  Müller ", "annalenamuller", "am"),
        ("José", "jose", "j"),
        ("Ôscar", "oscar", "o"),
        ("李 Lily", "lilily", "ll"),
        ("王 2号", "wang2hao", "w2h"),
    ],
)
def test_latin_and_mixed_names_pass_through_as_lower_case_words(name, full, initials):
    assert pinyin_keys(name) == (full, initials)


def test_punctuation_is_left_out_of_the_keys():
    assert pinyin_keys("张三（先生）") == ("zhangsanxiansheng", "zsxs")


def test_an_empty_name_has_empty_keys():
    assert pinyin_keys("") == ("", "")
    assert pinyin_keys("   ") == ("", "")
    assert pinyin_keys(None) == ("", "")


def test_very_long_names_are_cut_to_the_column_sizes():
    full, initials = pinyin_keys("张" * 120)

    assert len(full) == 200
    assert len(initials) == 50
