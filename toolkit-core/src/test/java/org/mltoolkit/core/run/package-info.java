/** Tests of training runs (files, policy, resume, stops, validation) and of checkpoint evaluation. */
package org.mltoolkit.core.run;
