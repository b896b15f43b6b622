package dev.basalt.platform.chat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TemplateSourceRewriterTest {

    @Test
    void stepSlicesBecomeTheSliceFilterOutsideStrings() {
        assertThat(TemplateSourceRewriter.rewrite("{% for m in messages[::-1] %}x{% endfor %}"))
                .isEqualTo("{% for m in (messages|__pyslice(none, none, -1)) %}x{% endfor %}");
        assertThat(TemplateSourceRewriter.rewrite("{{ a.b[0][1:5:2] }}"))
                .isEqualTo("{{ (a.b[0]|__pyslice(1, 5, 2)) }}");
        assertThat(TemplateSourceRewriter.rewrite("{{ 'x[::-1]' }} text[::-1]"))
                .isEqualTo("{{ 'x[::-1]' }} text[::-1]");
        assertThat(TemplateSourceRewriter.rewrite("{{ messages[1:] }}")).isEqualTo("{{ messages[1:] }}");
    }

    @Test
    void notBeforeAnIsTestMovesIntoTheTest() {
        assertThat(TemplateSourceRewriter.rewrite("{% if not tools is defined %}"))
                .isEqualTo("{% if tools is not defined %}");
        assertThat(TemplateSourceRewriter.rewrite("{% if a and not m['x'].y is not none %}"))
                .isEqualTo("{% if a and m['x'].y is none %}");
        assertThat(TemplateSourceRewriter.rewrite("{% if not(a) %}{{ 'not x is y' }}{% endif %}"))
                .isEqualTo("{% if not(a) %}{{ 'not x is y' }}{% endif %}");
    }

    @Test
    void keywordArgumentValuesAreParenthesised() {
        assertThat(TemplateSourceRewriter.rewrite("{% set ns = namespace(a=1, b=m|length - 1) %}"))
                .isEqualTo("{% set ns = namespace(a=(1), b=(m|length - 1)) %}");
        assertThat(TemplateSourceRewriter.rewrite("{{ f(x=g(1, 2), y='a,b') }}"))
                .isEqualTo("{{ f(x=(g(1, 2)), y=('a,b')) }}");
        assertThat(TemplateSourceRewriter.rewrite("{% if a == b and c != d and e <= f %}{% set x = 1 %}{% endif %}"))
                .isEqualTo("{% if a == b and c != d and e <= f %}{% set x = 1 %}{% endif %}");
    }

    @Test
    void blockTagsTrimTheirNewlineAndLeadingIndentLikeJinja2() {
        assertThat(TemplateSourceRewriter.applyWhitespaceRules("a\n    {% if x %}\n  b\n  {# c #}\nd {% endif %} e\n"))
                .isEqualTo("a\n{% if x %}  b\n{# c #}d {% endif %} e");
        assertThat(TemplateSourceRewriter.applyWhitespaceRules("{{ x }} {% if y %}\n"))
                .isEqualTo("{{ x }} {% if y %}");
        assertThat(TemplateSourceRewriter.applyWhitespaceRules("  {%+ if y +%}\nz"))
                .isEqualTo("  {%+ if y +%}\nz");
        assertThat(TemplateSourceRewriter.applyWhitespaceRules("{{ x }}\n{{ y }}\n\n"))
                .isEqualTo("{{ x }}\n{{ y }}\n");
    }
}
