{% macro _assert_partition_folders(files, landing_format) %}
    {#- a file's path below the landing root must be exactly the source's layout, and its
        partition folder must carry a valid value: bronze casts it. Matched on the last
        components of the path, anchored at both ends. -#}
    {%- set rules = {
        'csv': ['pos/load_date=(\\d{4}-\\d{2}-\\d{2})/[^/]+[.][cC][sS][vV]', 'pos/load_date=YYYY-MM-DD/<entity>.csv'],
        'jsonl': ['events/date=(\\d{4}-\\d{2}-\\d{2})/[^/]+[.]jsonl', 'events/date=YYYY-MM-DD/<name>.jsonl'],
        'parquet': ['mariadb/[^/]+/extraction_id=(\\d{8}T\\d{6}Z)/[^/]+[.]parquet', 'mariadb/<Table>/extraction_id=YYYYMMDDTHHMMSSZ/<file>.parquet'],
        'json': ['mariadb/[^/]+/extraction_id=(\\d{8}T\\d{6}Z)/_manifest[.]json', 'mariadb/<Table>/extraction_id=YYYYMMDDTHHMMSSZ/_manifest.json'],
    } -%}
    {%- set rule = rules[landing_format] -%}
    {%- set depth = rule[1].split('/') | length -%}
    {%- set folder = rule[1].split('/')[-2] -%}
    {%- set misplaced = [] -%}
    {%- for file in files -%}
        {%- set relative = file.split('/')[-depth:] | join('/') -%}
        {%- set found = modules.re.fullmatch(rule[0], relative) -%}
        {%- if not found or not _is_calendar_date(found.group(1)) -%}
            {%- do misplaced.append(escaped_excerpt(file, 300)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if misplaced -%}
        {{ exceptions.raise_compiler_error(
            "File " ~ misplaced[0] ~ " is not in a folder named " ~ folder
            ~ " with a valid value (expected <landing>/" ~ rule[1] ~ "); move it into one "
            ~ "(bronze reads the value from the folder name)."
            ~ (" Also: " ~ misplaced[1:5] | join('; ') if misplaced | length > 1 else "")
            ~ (" (" ~ misplaced | length ~ " files in all)" if misplaced | length > 5 else "")) }}
    {%- endif -%}
{% endmacro %}
