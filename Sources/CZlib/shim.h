// zlib: raw inflate (windowBits -15) and crc32 for reading the zip container of XLSX workbooks.
#include <zlib.h>
