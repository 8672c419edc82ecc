{#- The first page of the printable course (print_page/): which version this is, and where it lives.
    Rendered by mkdocs-print-site-plugin with `config`; the release comes from CITATION.cff
    (docs/hooks/cite.py). -#}
{% set release = config.extra.release %}
<div class="mg-print-cover">
  <h1>{{ config.site_name }}: the whole course</h1>
  <p>{{ config.site_description }}</p>
  {% if release %}
  <p>Version {{ release.version }} ({{ release.date }}). This version online:
    <a href="{{ release.url }}{{ release.version }}/">{{ release.url }}{{ release.version }}/</a></p>
  {% endif %}
</div>
