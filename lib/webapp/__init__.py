"""The Streamlit glue, the only part of ``lib`` that imports Streamlit: a package by concern.

- ``data``: the cached engine and loaders keyed on the data version;
- ``session``: the current user, sign-in and the page guard;
- ``widgets``: the shared widgets pages draw with;
- ``links``: each view's choices in its URL;
- ``forms``: one-record forms (an edit is an upload of one row);
- ``pageviews``: each page's shaped frames and finished charts, cached per version, choices and language;
- ``mdgviews``: the MDG page's reads (one indicator at a time, totals unless breakdowns are asked for).

Pages import this package (``from lib import webapp as w``) and call what it exports.
"""

from lib.escape import md_escape  # noqa: F401  (pages show data text through w.md_escape)
from lib.webapp.data import (  # noqa: F401
    AUTH_MODE,
    country_names,
    data_version,
    get_engine,
    load_activities,
    load_agencies,
    load_briefing_pack,
    load_countries,
    load_disaggregation,
    load_indicators,
    load_observations,
    load_overview,
    load_recommendation_statuses,
    load_recommendations,
    load_reports,
    load_revert_plan,
    load_rounds,
    load_series,
    load_work_items,
    log,
    warm_shared,
)
from lib.webapp.forms import (  # noqa: F401
    FORM_FIRST_DAY,
    FORM_LAST_DAY,
    briefing_choice_form,
    briefing_message_form,
    edit_fields,
    edit_record,
    record_fields,
)
from lib.webapp.links import (  # noqa: F401
    BAD_LINK,
    LINK_LABEL,
    NOT_ALLOWED,
    link_to_view,
    linked,
    linked_tabs,
    open_requested,
    remember_request,
    requested_page,
)
from lib.webapp.mdgviews import (  # noqa: F401
    mdg_all_indicators,
    mdg_breakdowns,
    mdg_choices,
    mdg_coverage,
    mdg_default_indicator,
    mdg_gaps,
    mdg_group_ratings,
    mdg_options,
    mdg_ratings,
    mdg_rights,
    mdg_series,
    mdg_trend,
)
from lib.webapp.pageviews import (  # noqa: F401
    action2_period,
    action2_round,
    action_point_history,
    action_points_round,
    action_points_shown,
    due_round,
    pending_key,
    recommendations_round,
    workload_hours,
    workload_monthly,
    workload_round,
)
from lib.webapp.session import (  # noqa: F401
    allowed,
    apply_language,
    attempt,
    client_address,
    current_user,
    document_language,
    guard,
    language_choice,
    no_access_message,
    oidc_email,
    oidc_signed_in,
    public_page,
    session_cookie,
    show_notice,
    sign_out,
    signed_in,
)
from lib.webapp.widgets import (  # noqa: F401
    ILLUSTRATIVE_NOTE,
    all_placeholder,
    briefing_pack_download,
    chart_or_info,
    chart_with_table,
    choose,
    choose_many,
    download_csv,
    illustrative_note,
    key_messages,
    link_to,
    metrics,
    notes,
    recommendations_overview,
    round_picker,
    safe,
    show_table,
    table_with_downloads,
)
