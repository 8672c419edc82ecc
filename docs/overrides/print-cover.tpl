{#- The first page of the printable course (print_page/): which version this is, and where it lives.
    Rendered by mkdocs-print-site-plugin with `config`; the release comes from CITATION.cff
    (docs/hooks/cite.py). In Chinese on the Chinese edition (theme.language zh). -#}
{% set release = config.extra.release %}{% set mg_zh = (config.theme.language | string).startswith("zh") %}
<div class="mg-print-cover">
  <h1>{{ config.site_name }}{% if mg_zh %}：全部课程{% else %}: the whole course{% endif %}</h1>
  <p>{{ config.site_description }}</p>
  {% if release %}
  <p>{% if mg_zh %}{{ release.version }} 版（{{ release.date }}）。这一版的在线地址：{% else %}Version {{ release.version }} ({{ release.date }}). This version online:{% endif %}
    <a href="{{ release.url }}{{ release.version }}/">{{ release.url }}{{ release.version }}/</a></p>
  {% endif %}
</div>
