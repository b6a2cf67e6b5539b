/* html_assets.h - the HTML report's CSS and script (html_assets.c). */
#ifndef HTML_ASSETS_H
#define HTML_ASSETS_H

extern const char html_css[];
extern const char html_js[];

#endif
