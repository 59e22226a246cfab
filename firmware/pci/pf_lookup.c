/* firmware/pci/pf_lookup.c: the enumerated SR-IOV PFs of a model. */
#include "pci/pf_model.h"

struct pci_func *pf_model_pf(const struct pf_model *model, size_t nth)
{
	for (size_t i = 0; i < pci_sriov_pf_count(); i++) {
		struct pci_func *pf = pci_sriov_pf(i);
		if (pf_model_of(pf) == model && nth-- == 0)
			return pf;
	}
	return NULL;
}
